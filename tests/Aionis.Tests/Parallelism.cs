// Fixtures run in parallel: each test makes its own database (cloned from the template), scratch folders, loopback ports
// and child processes. The tests of one fixture run one after another (they share the fixture's fields), except the
// daemon fixtures (BinaryTest: an instance per test, their tests in parallel too, but not ServeTimingTests' fire-time
// measurements). PITR's own cluster runs beside the others. Fixtures that change what the whole process or the shared
// test cluster sees (an environment variable, pg_hba.conf), or whose deadlines a parallel run exceeded (the incident
// backend's outage), are marked [NonParallelizable] and run alone. Most time is spent waiting on child processes and PostgreSQL, not on
// this process' CPU, so more fixtures run at once than there are cores.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(6)]
