using Microsoft.Extensions.Configuration;
using OpsConsole.Tests.Support;
using OpsConsole.Web.Hosting.Embedded;

namespace OpsConsole.Tests.Integration;

/// <summary>The embedded default's checkpoint key: made once beside the cluster, readable by its owner only, the same at every start.</summary>
public sealed class EmbeddedCheckpointKeyTests
{
    [Fact]
    public void TheFirstStart_GeneratesAnOwnerOnlyKey_ThatLaterStartsReadBack()
    {
        var root = PostgresClusterFixture.NewTempFolder("cpkey");
        try
        {
            var first = EmbeddedCheckpointKey.ReadOrCreate(root);
            var again = EmbeddedCheckpointKey.ReadOrCreate(root);

            Assert.Matches("^[0-9a-f]{64}$", first);
            Assert.Equal(first, again);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, EmbeddedCheckpointKey.FileName)));
        }
        finally
        {
            PostgresClusterFixture.TryDelete(root);
        }
    }

    [Fact]
    public void AConfiguredKey_IsKept_AndNoFileIsMade()
    {
        var root = PostgresClusterFixture.NewTempFolder("cpkeyset");
        try
        {
            var configuration = new ConfigurationManager();
            configuration["Audit:CheckpointKey"] = "configured-key-of-at-least-32-characters";

            EmbeddedCheckpointKey.UseUnlessConfigured(configuration, root);

            Assert.Equal("configured-key-of-at-least-32-characters", configuration["Audit:CheckpointKey"]);
            Assert.False(File.Exists(Path.Combine(root, EmbeddedCheckpointKey.FileName)));
        }
        finally
        {
            PostgresClusterFixture.TryDelete(root);
        }
    }
}
