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
    public static async Task EnsureSameAsync(string key, string localFile, Func<CancellationToken, Task<Stream>> openExisting,
        CancellationToken cancellationToken)
    {
        byte[] local;
        await using (var file = ObjectPaths.OpenRead(localFile))
        {
            local = await SHA256.HashDataAsync(file, cancellationToken);
        }
        await using var existing = await openExisting(cancellationToken);
        var remote = await SHA256.HashDataAsync(existing, cancellationToken);
        if (!CryptographicOperations.FixedTimeEquals(local, remote))
        {
            throw new ObjectExistsException(key);
        }
    }
}
