using Aionis.Worker.Scheduling;

namespace Aionis.Worker.Hosting;

/// <summary>The registry file <c>serve</c> follows, and the last version of it that was accepted.</summary>
public sealed class RegistryFile(string path)
{
    public string Path { get; } = path;
    public TaskRegistry? LastGood { get; set; }

    /// <summary>The hash of the file content the last sync looked at, accepted or rejected.</summary>
    public string? SyncedHash { get; set; }

    /// <summary>True when the file differs from what the last sync saw (an edit the watcher may have missed).</summary>
    public bool ChangedSinceSync => SyncedHash != RegistryLoader.HashOf(Path);
}
