"""Exports of the marts: Parquet (or CSV) files and a manifest per partition, any fsspec URL."""
