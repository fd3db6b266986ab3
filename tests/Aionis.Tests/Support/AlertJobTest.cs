namespace Aionis.Tests.Support;

/// <summary>
/// An alert test: a fresh database, a real HTTP <see cref="Receiver"/> on 127.0.0.1 for every channel and route, and a
/// worker allowed to send to it (plain http to loopback).
/// </summary>
public abstract class AlertJobTest : DatabaseJobTest
{
    protected AlertReceiver Receiver { get; private set; } = null!;

    /// <summary>Alert configuration (channels, legacy webhook) that may point at <see cref="Receiver"/>.</summary>
    protected virtual Dictionary<string, string?> AlertSettings() => [];

    protected sealed override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        Receiver = await AlertReceiver.StartAsync();
        var settings = AlertSettings();
        settings["Alerts:AllowInsecureTargets"] = "true";
        return settings;
    }

    [TearDown]
    public async Task StopReceiverAsync() => await Receiver.DisposeAsync();
}
