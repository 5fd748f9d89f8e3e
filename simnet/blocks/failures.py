"""Failed transactions: what lands on chain when an instruction returns a program error."""

from __future__ import annotations

import dataclasses

from simnet.blocks.model import Transaction


def fail(
    tx: Transaction, instruction: int, code: int, logs: tuple[str, ...], compute_units: int
) -> Transaction:
    """Return tx as it lands when top-level instruction `instruction` fails with Custom(code).

    The fee is still charged to the payer and nothing else moves: post balances and token
    balances equal the pre ones, inner instructions of the failing and later instructions and any
    return data are dropped. `logs` are the failing program's lines after its "invoke [1]"
    (e.g. "Program log: Error: insufficient funds" and its "consumed" line); the runtime's
    "failed: custom program error" line is appended, and later instructions leave no logs.
    """
    program = tx.keys[tx.instructions[instruction].program_index]
    invokes = [i for i, line in enumerate(tx.log_messages) if line.endswith(" invoke [1]")]
    start = invokes[instruction]
    post = list(tx.pre_balances)
    post[0] -= tx.fee
    return dataclasses.replace(
        tx,
        post_balances=tuple(post),
        post_token_balances=tx.pre_token_balances,
        inner_instructions=tuple(g for g in tx.inner_instructions if g.index < instruction),
        log_messages=(
            *tx.log_messages[: start + 1],
            *logs,
            f"Program {program} failed: custom program error: {code:#x}",
        ),
        compute_units=compute_units,
        err={"InstructionError": [instruction, {"Custom": code}]},
        return_data=None,
    )
