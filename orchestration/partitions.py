"""Epoch partitions: added as epochs close (by the epoch sensor, or by `mevhouse run`)."""

import dagster as dg

EPOCHS = "epochs"
epoch_partitions = dg.DynamicPartitionsDefinition(name=EPOCHS)
