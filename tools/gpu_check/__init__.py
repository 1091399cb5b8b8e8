"""The per-part scripts of tools/gpu_check.sh."""
