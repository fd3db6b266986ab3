using Aionis.Jobs.Publishing;

namespace Aionis.Tests.Publishing;

/// <summary>Publish target parsing (run id R) and its error cases (docs/jobs/publishing.md).</summary>
public sealed class PublishTargetTests
{
    [TestCase("s3://b/a/b/", false, "s3", "b", "a/b/R", "s3://b/a/b/R")]
    [TestCase("s3://b", false, "s3", "b", "R", "s3://b/R")]
    [TestCase("gs://bucket/x/", false, "gcs", "bucket", "x/R", "gs://bucket/x/R")]
    [TestCase("az://acct/cont/x/y/", false, "azure_account", "cont", "x/y/R", "az://acct/cont/x/y/R")]
    [TestCase("az://acct/cont", false, "azure_account", "cont", "R", "az://acct/cont/R")]
    [TestCase("az://cont/x", true, "azure_connection_string", "cont", "x/R", "az://cont/x/R")]
    [TestCase("az://acct/cont", true, "azure_connection_string", "acct", "cont/R", "az://acct/cont/R")]
    [TestCase("file:///tmp/p/", false, "local", "/tmp/p", "R", "/tmp/p/R")]
    [TestCase("/tmp/p", false, "local", "/tmp/p", "R", "/tmp/p/R")]
    public void Every_target_form_gives_the_reference_published_uri(string target, bool connectionString, string adapter, string container,
        string runPrefix, string publishedUri)
    {
        var parsed = PublishTarget.Parse(target, connectionString);

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Adapter, Is.EqualTo(adapter));
            Assert.That(parsed.Container, Is.EqualTo(container));
            Assert.That(parsed.PublishedUri("R"), Is.EqualTo(publishedUri));
            if (parsed.Kind != PublishTargetKind.Local) Assert.That(parsed.RunPrefix("R"), Is.EqualTo(runPrefix));
        });
    }

    [Test]
    public void Account_mode_keeps_the_account_and_a_relative_path_resolves_against_the_working_directory()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PublishTarget.Parse("az://acct/cont/x", false).Account, Is.EqualTo("acct"));
            Assert.That(PublishTarget.Parse("out/bundles", false).PublishedUri("R"),
                Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "out/bundles/R")));
        });
    }

    [TestCase("az://cont", true, "needs a prefix")]
    [TestCase("az://cont", false, "invalid azure account target")]
    [TestCase("az://", false, "container or account is empty")]
    [TestCase("s3://", false, "bucket is empty")]
    [TestCase("s3:///prefix", false, "bucket is empty")]
    [TestCase("gs://", false, "bucket is empty")]
    [TestCase("s3://b/a/../etc", false, "'..'")]
    [TestCase("gs://b/./x", false, "'..'")]
    [TestCase("s3://b/a//b", false, "empty segment")]
    [TestCase("file:///tmp/../etc", false, "'..'")]
    [TestCase("https://uploads.example.com/x", false, "unsupported scheme 'https://'")]
    [TestCase("ftp://host/x", false, "unsupported scheme 'ftp://'")]
    [TestCase("", false, "empty")]
    [TestCase("file:relative/x", false, "unsupported scheme 'file:'")]
    [TestCase("file:/etc/x", false, "unsupported scheme 'file:'")]
    [TestCase("javascript:x", false, "unsupported scheme 'javascript:'")]
    [TestCase("JavaScript:alert(1)", false, "unsupported scheme 'javascript:'")]
    [TestCase("data:text/plain,x", false, "unsupported scheme 'data:'")]
    [TestCase("s3:bucket/x", false, "unsupported scheme 's3:'")]
    [TestCase("smb://host/share", false, "unsupported scheme 'smb://'")]
    public void Bad_targets_are_clear_errors(string target, bool connectionString, string message)
    {
        var error = Assert.Throws<PublishTargetException>(() => PublishTarget.Parse(target, connectionString));
        Assert.That(error!.Message, Does.Contain(message));
    }

    [TestCase("")]
    [TestCase("a/b")]
    [TestCase("..")]
    public void A_run_id_must_be_one_key_segment(string runId) =>
        Assert.Throws<PublishTargetException>(() => PublishTarget.Parse("s3://b/p", false).PublishedUri(runId));

    [Test]
    public void Https_targets_redact_their_path_in_the_error() =>
        Assert.That(Assert.Throws<PublishTargetException>(() => PublishTarget.Parse("https://host/secret-token", false))!.Message,
            Does.Not.Contain("secret-token"));
}
