using Aionis.Jobs.Alerts;
using Microsoft.Extensions.Configuration;

namespace Aionis.Tests.Alerts;

/// <summary>Operator channels (docs/jobs/alerts.md): what configuration is accepted, how severities route, and how bad JSON stops the worker.</summary>
public sealed class OperatorChannelSetTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private const string ThreeChannels = """
        [{"id":"slack","type":"slack_webhook","url":"https://hooks.slack.com/services/T/B/X"},
         {"id":"pager","type":"pagerduty_events_v2","routingKey":"rk-1"},
         {"id":"ops-hook","type":"generic_webhook","url":"https://ops.example.com/hook","headers":{"x-env":"prod"}}]
        """;

    [Test]
    public void Default_routing_sends_critical_to_pagerduty_and_warning_to_slack_and_webhooks()
    {
        var set = OperatorChannelSet.Load(Config(("AIONIS_ALERT_CHANNELS", ThreeChannels), ("AIONIS_ALERT_WEBHOOK_URL", "https://legacy.example.com/x")));
        Assert.Multiple(() =>
        {
            Assert.That(set.ForSeverity("critical").Select(c => c.Id), Is.EqualTo(new[] { "pager" }));
            Assert.That(set.ForSeverity("warning").Select(c => c.Id), Is.EqualTo(new[] { "slack", "ops-hook", "legacy_alert_webhook" }));
        });
    }

    [Test]
    public void Alerts_routing_maps_severities_to_channel_ids_and_alerts_channels_wins_over_the_variable()
    {
        var set = OperatorChannelSet.Load(Config(("Alerts:Channels", ThreeChannels), ("AIONIS_ALERT_CHANNELS", "not json at all"),
            ("Alerts:Routing", """{"critical":["pager","slack"],"warning":"ops-hook"}""")));
        Assert.Multiple(() =>
        {
            Assert.That(set.ForSeverity("critical").Select(c => c.Id), Is.EqualTo(new[] { "pager", "slack" }));
            Assert.That(set.ForSeverity("warning").Select(c => c.Id), Is.EqualTo(new[] { "ops-hook" }));
        });
    }

    [Test]
    public void Channels_may_also_be_a_configuration_array()
    {
        var set = OperatorChannelSet.Load(Config(("Alerts:Channels:0:id", "pager"), ("Alerts:Channels:0:type", "pagerduty_events_v2"),
            ("Alerts:Channels:0:routingKey", "rk")));
        Assert.That(set.Channels.Single().RoutingKey, Is.EqualTo("rk"));
    }

    [TestCase("AIONIS_ALERT_CHANNELS", "[{\"id\":\"a\",", "AIONIS_ALERT_CHANNELS: malformed JSON")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"a","type":"teams","url":"https://x.example.com"}]""", "channel #1 (\"a\") type 'teams' is unknown")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"pd","type":"pagerduty_events_v2"}]""", "channel #1 (\"pd\") needs a routingKey")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"s","type":"slack_webhook","url":"https://evil.example.com/x"}]""", "slack target host must be one of hooks.slack.com")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"w","type":"generic_webhook","url":"http://10.0.0.5/x"}]""", "must be https")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"w","type":"generic_webhook","url":"https://127.0.0.1/x"}]""", "host must be public")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"w","type":"generic_webhook","url":"https://2130706433/x"}]""", "host must be public")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"w","type":"generic_webhook","url":"https://a.example.com","headers":{"x-a":"1\r\nx-b: 2"}}]""", "control character")]
    [TestCase("AIONIS_ALERT_CHANNELS", """[{"id":"w","type":"generic_webhook","url":"https://a.example.com","colour":"red"}]""", "'colour' could not be mapped")]
    [TestCase("Alerts:Routing", """{"critical":["nobody"]}""", "Alerts:Routing: 'critical' names channel 'nobody'")]
    [TestCase("Alerts:Routing", """{"urgent":["pager"]}""", "Alerts:Routing: severity 'urgent' is unknown")]
    public void Malformed_configuration_stops_the_worker_naming_the_key_and_the_problem(string key, string value, string expected)
    {
        var config = key == "Alerts:Routing"
            ? Config(("AIONIS_ALERT_CHANNELS", ThreeChannels), (key, value))
            : Config((key, value));
        Assert.That(() => OperatorChannelSet.Validate(config), Throws.TypeOf<AlertConfigurationException>().With.Message.Contains(expected));
    }

    [Test]
    public void Configuration_errors_never_print_the_url()
    {
        var config = Config(("AIONIS_ALERT_CHANNELS", """[{"id":"w","type":"generic_webhook","url":"http://hooks.example.com/S3CRET"}]"""));
        Assert.That(() => OperatorChannelSet.Validate(config), Throws.TypeOf<AlertConfigurationException>().With.Message.Not.Contains("S3CRET"));
    }
}
