"""File formats: the trace CSV, Perfetto JSON, the summary JSON, atomic writes."""
