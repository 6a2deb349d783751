using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OpsConsole.Domain.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the console or a database.</summary>
internal sealed class DesignTimeOpsDbContextFactory : IDesignTimeDbContextFactory<OpsDbContext>
{
    public OpsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OpsDbContext>()
            .UseNpgsql("Host=localhost;Database=opsconsole_design", StoreSetup.ConfigureNpgsql)
            .Options);
}
