using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Aionis.Jobs.Publishing;

/// <summary><c>file://</c> and plain-path targets: files are copied to <c>root/run_id/</c>; the attestation hashes the source files.</summary>
public sealed class LocalPublisher(PublishTarget target) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var files = BundleFiles.List(request.SourceDirectory);
        var destination = Target.PublishedUri(request.RunId);
        var attested = await BundleFiles.ForEachAsync(files, request.MaxParallelUploads, async (file, ct) =>
        {
            var sha256 = await CopyHashingAsync(file.FullPath, Path.Combine(destination, file.RelativePath), ct);
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
