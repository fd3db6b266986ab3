namespace Aionis.Worker.Scheduling;

/// <summary>One problem in task_registry.yml, pointing at file, line, column, task and field.</summary>
public sealed record RegistryError(string File, int Line, int Column, string? TaskId, string Field, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(TaskId is null ? "" : $"task '{TaskId}': ")}{Field}: {Message}";
}

/// <summary>The registry could not be loaded; every problem is listed, not just the first.</summary>
public sealed class RegistryInvalidException(string path, IReadOnlyList<RegistryError> errors)
    : Exception($"{path}: {errors.Count} error(s) in the task registry")
{
    public IReadOnlyList<RegistryError> Errors { get; } = errors;
}

/// <summary>A valid registry whose sync failed while it was applied (the database refused a write); its transaction was rolled back, so nothing of it was applied.</summary>
public sealed class RegistrySyncFailedException(string path, string error, Exception inner) : Exception($"{path}: {error}", inner)
{
    public string Error { get; } = error;
}
