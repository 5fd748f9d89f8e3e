"""simnet's DEX economy: tokens, price paths, pools, traders, searchers and their ground truth."""
