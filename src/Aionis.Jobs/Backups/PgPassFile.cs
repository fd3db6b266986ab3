using System.Text;

namespace Aionis.Jobs.Backups;

/// <summary>
/// A libpq password file (mode 0600) for one child process, deleted on dispose: the password reaches pg_dump and
/// pg_restore through <c>PGPASSFILE</c>, never through the command line or the environment.
/// </summary>
public sealed class PgPassFile : IDisposable
{
    private PgPassFile(string path) => Path = path;

    public string Path { get; }

    public static PgPassFile Create(string password)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"aionis-pgpass-{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            // Any host, port, database and user: the file serves exactly one child process.
            stream.Write(Encoding.UTF8.GetBytes($"*:*:*:*:{Escape(password)}\n"));
        }
        return new PgPassFile(path);
    }

    public void Dispose() => File.Delete(Path);

    private static string Escape(string value) => value.Replace(@"\", @"\\").Replace(":", @"\:");
}
