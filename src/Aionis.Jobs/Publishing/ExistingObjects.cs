using System.Security.Cryptography;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// A publish that would replace an object holding other bytes: refused, because that object is another bundle's (or
/// another backup's) evidence. An ID clash must never silently destroy what was published before.
/// </summary>
public sealed class ObjectExistsException(string key)
    : Exception($"'{key}' already exists at the target with other content: a publish never overwrites another bundle's object");

/// <summary>
/// What a publisher does when the store refuses to create a key because it exists (S3 <c>If-None-Match: *</c>, Azure
/// <c>IfNoneMatch = *</c>, GCS <c>ifGenerationMatch=0</c>, an exclusive rename on disk): the same bytes are a retried
/// publish of the same folder, which is done; other bytes are refused with <see cref="ObjectExistsException"/>.
/// </summary>
public static class ExistingObjects
{
    /// <param name="openExisting">Streams the object that is already at <paramref name="key"/>.</param>
    public static Task EnsureSameAsync(string key, string localFile, Func<CancellationToken, Task<Stream>> openExisting,
        CancellationToken cancellationToken) =>
        EnsureSameAsync(key, localFile, async (sink, ct) =>
        {
            await using var existing = await openExisting(ct);
            await existing.CopyToAsync(sink, ct);
        }, cancellationToken);

    /// <param name="downloadExisting">Writes the object that is already at <paramref name="key"/> into the given stream
    /// (for SDKs that download into a stream), which hashes it as it arrives.</param>
    public static async Task EnsureSameAsync(string key, string localFile, Func<Stream, CancellationToken, Task> downloadExisting,
        CancellationToken cancellationToken)
    {
        byte[] local;
        await using (var file = ObjectPaths.OpenRead(localFile))
        {
            local = await SHA256.HashDataAsync(file, cancellationToken);
        }
        using var hash = SHA256.Create();
        await using (var sink = new CryptoStream(Stream.Null, hash, CryptoStreamMode.Write))
        {
            await downloadExisting(sink, cancellationToken);
            await sink.FlushFinalBlockAsync(cancellationToken);
        }
        if (!CryptographicOperations.FixedTimeEquals(local, hash.Hash))
        {
            throw new ObjectExistsException(key);
        }
    }
}
