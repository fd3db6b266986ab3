using Microsoft.EntityFrameworkCore.Design;

namespace Aionis.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<WorkerDbContext>
{
    public WorkerDbContext CreateDbContext(string[] args) =>
        new(WorkerDbContext.CreateOptions("Host=localhost;Database=aionis"));
}
