"""Epoch partitions: added as epochs close (by the epoch sensor, or by `mevhouse run`)."""

import dagster as dg

EPOCHS = "epochs"
epoch_partitions = dg.DynamicPartitionsDefinition(name=EPOCHS)

# UTC days for the market marts' exports, from mainnet-beta's first day (2020-03-16).
market_days = dg.DailyPartitionsDefinition(start_date="2020-03-16", timezone="UTC")
