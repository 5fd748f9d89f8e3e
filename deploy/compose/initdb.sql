-- Run by the postgres image on its first start only: Dagster's runs and events in a database of
-- their own, beside the warehouse (`mevhouse`), owned by the same user.
create database dagster;
