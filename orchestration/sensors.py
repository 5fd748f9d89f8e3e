"""Register epochs as partitions when they close, and request their runs."""

import dagster as dg

from ingestion.solana import closed_epochs
from orchestration.partitions import EPOCHS, epoch_partitions
from orchestration.resources import LoadingResource, SolanaRpcResource
from orchestration.settings import parse_epochs


@dg.sensor(
    name="closed_epochs_sensor",
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.STOPPED,
    job_name="epoch_job",
    description="Adds each newly closed epoch as a partition and materialises it.",
)
def closed_epochs_sensor(
    context: dg.SensorEvaluationContext, solana_rpc: SolanaRpcResource, loading: LoadingResource
) -> dg.SensorResult:
    _, current = closed_epochs(solana_rpc.config())
    wanted = parse_epochs(loading.epochs, list(range(current)))
    known = set(context.instance.get_dynamic_partitions(EPOCHS))
    new = [str(e) for e in wanted if str(e) not in known]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"epoch-{key}", partition_key=key) for key in new],
        dynamic_partitions_requests=[epoch_partitions.build_add_request(new)] if new else [],
    )
