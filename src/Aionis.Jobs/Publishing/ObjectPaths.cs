namespace Aionis.Jobs.Publishing;

/// <summary>Checks on paths that name objects relative to a target root.</summary>
public static class ObjectPaths
{
    /// <summary>A relative object path may not be absolute or climb out of the target root.</summary>
    public static string CheckRelative(string path)
    {
        if (path.StartsWith('/') || path.Split('/', '\\').Any(s => s is ".."))
        {
            throw new PublishTargetException($"object path '{path}' must be relative and may not contain '..'");
        }
        return path;
    }

    /// <summary>A file opened for a streamed upload.</summary>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    /// <summary>Streams a download into a local file (overwriting, creating its folder).</summary>
    public static async Task WriteFileAsync(Stream content, string destinationFile, CancellationToken cancellationToken)
    {
        await using var output = CreateFile(destinationFile);
        await content.CopyToAsync(output, cancellationToken);
    }

    /// <summary>A local file for a download to stream into (overwritten, its folder created), for SDKs that write into a stream.</summary>
    public static FileStream CreateFile(string destinationFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destinationFile))!);
        return new FileStream(destinationFile, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
    }

    /// <summary>Attestation warnings keep the first 300 characters of an error, as the reference.</summary>
    public static string WarningText(string message) => message.Length <= 300 ? message : message[..300];
}
