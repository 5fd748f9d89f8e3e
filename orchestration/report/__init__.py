"""The epoch report: one static HTML file per epoch with inline charts, readable offline."""
