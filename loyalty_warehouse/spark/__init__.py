"""Spark: the session a Spark build opens, the CLV table functions it registers, a local cluster."""
