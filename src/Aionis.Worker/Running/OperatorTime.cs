using System.Globalization;

namespace Aionis.Worker.Running;

/// <summary>
/// An instant as operators read and type it (UTC, whole seconds): in run logs (<see cref="RequestedByLine"/>) and in the
/// CLI's output (<c>CliTime.Format</c>). Here, not in <c>Cli/</c>, so that the runner does not depend on the commands.
/// </summary>
public static class OperatorTime
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
