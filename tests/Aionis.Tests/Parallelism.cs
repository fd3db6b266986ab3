// Fixtures run in parallel: each test makes its own database (cloned from the template), scratch folders, loopback ports
// and child processes. The tests of one fixture run one after another (they share the fixture's fields). Fixtures that
// change what the whole process or the shared test cluster sees (environment variables, pg_hba.conf, servers they stop)
// are marked [NonParallelizable] and run alone. Most time is spent waiting on child processes and PostgreSQL, not on
// this process' CPU, so more fixtures run at once than there are cores.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(6)]
