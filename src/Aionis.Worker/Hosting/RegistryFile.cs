using Aionis.Worker.Scheduling;

namespace Aionis.Worker.Hosting;

/// <summary>The registry file <c>serve</c> follows, and the last version of it that was accepted.</summary>
public sealed class RegistryFile(string path)
{
    public string Path { get; } = path;
    public TaskRegistry? LastGood { get; set; }
}
