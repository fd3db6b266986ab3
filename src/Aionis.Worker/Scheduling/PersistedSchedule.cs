using Npgsql;

namespace Aionis.Worker.Scheduling;

/// <summary>A registry task as Quartz persisted it: the fields a sync compares with the file, and what <c>registry list</c> shows.</summary>
public sealed record PersistedTask(
    string Id,
    string JobClass,
    bool RequestsRecovery,
    string? DefinitionHash,
    bool HasTrigger,
    string? CronExpression,
    string? TimeZone,
    int? MisfireInstruction,
    DateTimeOffset? NextFireTime,
    bool Paused,
    string? CalendarName = null);

/// <summary>
/// Reads the registry group of the persisted schedule in one query over <c>worker.qrtz_*</c> instead of two Quartz calls
/// per task: a 1,000-task registry is one round trip, and the sync calls Quartz only for the tasks that differ.
/// </summary>
public sealed class PersistedSchedule(NpgsqlDataSource dataSource)
{
    // Job data is stored as strings (StoreJobDataAsStrings): a UTF-8 JSON object of the job data map.
    private const string Query = """
        SELECT j.job_name, j.job_class_name, j.requests_recovery,
               convert_from(j.job_data, 'UTF8')::jsonb ->> 'definition_hash',
               t.trigger_name IS NOT NULL, c.cron_expression, c.time_zone_id, t.misfire_instr, t.next_fire_time, t.trigger_state,
               t.calendar_name
          FROM worker.qrtz_job_details j
          LEFT JOIN worker.qrtz_triggers t
                 ON t.sched_name = j.sched_name AND t.trigger_name = j.job_name AND t.trigger_group = j.job_group
          LEFT JOIN worker.qrtz_cron_triggers c
                 ON c.sched_name = t.sched_name AND c.trigger_name = t.trigger_name AND c.trigger_group = t.trigger_group
         WHERE j.sched_name = $1 AND j.job_group = $2
        """;

    public async Task<IReadOnlyDictionary<string, PersistedTask>> ReadAsync(string schedulerName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, schedulerName, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, PersistedTask>> ReadAsync(NpgsqlConnection connection, string schedulerName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new() { Value = schedulerName });
        command.Parameters.Add(new() { Value = ScheduleKeys.RegistryGroup });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tasks = new Dictionary<string, PersistedTask>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var task = new PersistedTask(
                Id: reader.GetString(0),
                JobClass: reader.GetString(1),
                RequestsRecovery: reader.GetBoolean(2),
                DefinitionHash: Text(3),
                HasTrigger: reader.GetBoolean(4),
                CronExpression: Text(5),
                TimeZone: Text(6),
                MisfireInstruction: reader.IsDBNull(7) ? null : reader.GetInt16(7),
                NextFireTime: reader.IsDBNull(8) ? null : new DateTimeOffset(reader.GetInt64(8), TimeSpan.Zero),
                Paused: Text(9) is "PAUSED" or "PAUSED_BLOCKED",
                CalendarName: Text(10));
            tasks[task.Id] = task;
        }
        return tasks;
    }

    /// <summary>The persisted tasks whose <c>after:</c> names <paramref name="upstream"/>, with their definitions.</summary>
    public async Task<IReadOnlyList<(string TaskId, TaskDefinition Definition)>> DownstreamOfAsync(string schedulerName, string upstream, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT job_name, definition FROM (
                SELECT j.job_name, convert_from(j.job_data, 'UTF8')::jsonb ->> 'definition' AS definition
                  FROM worker.qrtz_job_details j
                 WHERE j.sched_name = $1 AND j.job_group = $2) d
             WHERE definition::jsonb -> 'after' @> jsonb_build_array(jsonb_build_object('task', $3::text))
            """);
        command.Parameters.Add(new() { Value = schedulerName });
        command.Parameters.Add(new() { Value = ScheduleKeys.RegistryGroup });
        command.Parameters.Add(new() { Value = upstream });
        var tasks = new List<(string, TaskDefinition)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tasks.Add((reader.GetString(0), TaskDefinition.FromJson(reader.GetString(1))));
        return tasks;
    }

    /// <summary>
    /// Calendars a sync stored for registry tasks that no trigger uses any more (the task's calendars changed or it went),
    /// read on the sync's connection so its uncommitted writes count.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UnusedTaskCalendarsAsync(NpgsqlConnection connection, string schedulerName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.calendar_name FROM worker.qrtz_calendars c
             WHERE c.sched_name = $1 AND starts_with(c.calendar_name, $2)
               AND NOT EXISTS (SELECT 1 FROM worker.qrtz_triggers t WHERE t.sched_name = c.sched_name AND t.calendar_name = c.calendar_name)
            """, connection);
        command.Parameters.Add(new() { Value = schedulerName });
        command.Parameters.Add(new() { Value = TaskCalendar.NamePrefix });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>Nodes whose scheduler checked in within <paramref name="grace"/>: the ones that would fire an enqueued run.</summary>
    public async Task<IReadOnlyList<string>> LiveNodesAsync(string schedulerName, TimeSpan grace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // last_checkin_time is in .NET ticks (100 ns since 0001-01-01).
        await using var command = dataSource.CreateCommand("""
            SELECT instance_name FROM worker.qrtz_scheduler_state
             WHERE sched_name = $1 AND to_timestamp(last_checkin_time / 1e7 - 62135596800) > $2 - $3
            """);
        command.Parameters.Add(new() { Value = schedulerName });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = grace });
        var nodes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) nodes.Add(reader.GetString(0));
        return nodes;
    }

    /// <summary>Removes a node's cluster check-in row: after a clean stop, so its next start is not taken for a crash.</summary>
    public async Task ForgetInstanceAsync(string schedulerName, string instanceName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM worker.qrtz_scheduler_state WHERE sched_name = $1 AND instance_name = $2");
        command.Parameters.Add(new() { Value = schedulerName });
        command.Parameters.Add(new() { Value = instanceName });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>How Quartz names a job class in <c>job_class_name</c>.</summary>
    public static string JobClassName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
