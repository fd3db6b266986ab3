using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// <c>file://</c> and plain-path targets: files are copied to <c>root/run_id/</c> by exclusive create (an existing file with
/// other bytes is refused); the attestation hashes the source files.
/// </summary>
public sealed class LocalPublisher(PublishTarget target) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var files = PublishFiles.List(request.SourceDirectory);
        var destination = Target.PublishedUri(request.RunId);
        var attested = await PublishFiles.ForEachAsync(files, request.MaxParallelUploads, async (file, ct) =>
        {
            var sha256 = await CreateAsync(file.FullPath, Path.Combine(destination, file.RelativePath), ct);
            return new LocalFileAttestation(file.RelativePath, sha256, file.Size);
        }, cancellationToken);
        var attestation = new LocalAttestation(destination, files.Count, attested.Take(PublishAttestation.SampleLimit).ToList());
        return PublishResult.For(Target, request.RunId, attestation);
    }

    public async IAsyncEnumerable<PublishedObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Target.Container)) yield break;
        var objects = Directory.EnumerateFiles(Target.Container, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => (Path: path, Relative: Path.GetRelativePath(Target.Container, path).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(f => f.Relative.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (path, relative) in objects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            yield return new PublishedObject(relative, path, info.Length, info.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    public async Task DownloadAsync(string path, string destinationFile, CancellationToken cancellationToken)
    {
        var source = Path.Combine(Target.Container, ObjectPaths.CheckRelative(path));
        if (!File.Exists(source)) throw new FileNotFoundException($"'{path}' is not at {Target.Original}", source);
        await CopyHashingAsync(source, destinationFile, cancellationToken);
    }

    /// <summary>
    /// Exclusive create: the copy goes to a temporary name beside the destination and is renamed into place only if no
    /// file is there (a rename that does not replace); a file that is there must hold the same bytes. A copy cut short
    /// leaves only its temporary file, never a partial object under the published name.
    /// </summary>
    private static async Task<string> CreateAsync(string source, string destinationFile, CancellationToken cancellationToken)
    {
        var temporary = $"{destinationFile}.{Guid.NewGuid():N}.partial";
        try
        {
            var sha256 = await CopyHashingAsync(source, temporary, cancellationToken);
            try
            {
                File.Move(temporary, destinationFile, overwrite: false);
            }
            catch (IOException) when (File.Exists(destinationFile))
            {
                await ExistingObjects.EnsureSameAsync(destinationFile, source, ct => Task.FromResult<Stream>(ObjectPaths.OpenRead(destinationFile)),
                    cancellationToken);
            }
            return sha256;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Streams a file to its destination (overwriting, creating folders) and returns the SHA-256 of what was copied.</summary>
    private static async Task<string> CopyHashingAsync(string source, string destinationFile, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destinationFile)!);
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using var output = new FileStream(destinationFile, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
