using System.Diagnostics;

namespace Aionis.Tests.Support;

/// <summary>The tools an auditor has: sha256sum and openssl, run for real on a bundle.</summary>
public static class EvidenceTools
{
    public static async Task<CliResult> RunAsync(string tool, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A fresh ECDSA P-256 key pair made by openssl: (private key PEM, public key PEM) in <paramref name="folder"/>.</summary>
    public static async Task<(string PrivatePem, string PublicPem)> NewP256KeyPairAsync(string folder, string name)
    {
        var privatePem = Path.Combine(folder, $"{name}.key.pem");
        var publicPem = Path.Combine(folder, $"{name}.pub.pem");
        var generated = await RunAsync("openssl", folder, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", privatePem);
        var exported = await RunAsync("openssl", folder, "ec", "-in", privatePem, "-pubout", "-out", publicPem);
        if (generated.ExitCode != 0 || exported.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl could not make a key pair: {generated.Stderr} {exported.Stderr}");
        }
        return (privatePem, publicPem);
    }
}
