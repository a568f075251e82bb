// Imported first by the harness: Powertools reads these when its modules load, which may be
// before the local runtime starts (a test that imports an adapter directly).
process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
