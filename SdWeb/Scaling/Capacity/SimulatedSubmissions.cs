using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Generation;

namespace SdWeb.Scaling.Capacity;

/// <summary>
/// The simulation's users and their jobs, stored as <see cref="JobSubmitter"/> stores an accepted job: mapped by
/// <see cref="JobRequests.ToJob"/>, one context and one SaveChanges per job (on PostgreSQL the sequence number comes from
/// the database). Users submit unequal amounts, as a team does: user n about 1/n of the busiest user's jobs, interleaved.
/// </summary>
internal static class SimulatedSubmissions
{
    public static string UserId(int index) => $"sim-user-{index + 1:00}";

    /// <summary>Each user's number of jobs: shares of 1, 1/2, 1/3, … summing to <paramref name="jobs"/>, at least one each.</summary>
    public static IReadOnlyList<int> Shares(int jobs, int users)
    {
        var weights = Enumerable.Range(1, users).Select(n => 1.0 / n).ToArray();
        var exact = weights.Select(w => Math.Max(1, jobs * w / weights.Sum())).ToArray();
        var shares = exact.Select(e => (int)Math.Floor(e)).ToArray();
        // Largest remainders first, so the shares add up without favouring anyone by more than one job.
        foreach (var u in Enumerable.Range(0, users).OrderByDescending(u => exact[u] - shares[u]).Take(jobs - shares.Sum()))
            shares[u]++;
        return shares;
    }

    /// <summary>Creates the users and submits every job; returns how many each user submitted.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> SubmitAsync(
        IDbContextFactory<AppDbContext> dbFactory, CapacitySettings settings, CancellationToken cancellationToken)
    {
        var shares = Shares(settings.Jobs, settings.Users);
        var users = Enumerable.Range(0, settings.Users).Select(UserId).ToList();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Users.AddRange(users.Select(id => new AppUser { Id = id, UserName = id, NormalizedUserName = id.ToUpperInvariant() }));
            await db.SaveChangesAsync(cancellationToken);
        }

        var order = users.SelectMany((id, u) => Enumerable.Repeat(id, shares[u])).ToArray();
        new Random(settings.Seed).Shuffle(order);
        for (var n = 0; n < order.Length; n++)
        {
            var request = new JobRequest { Prompt = $"a lighthouse at dusk, study {n + 1}", Steps = settings.Steps, Seed = n, Model = CapacitySettings.Model };
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.Jobs.Add(JobRequests.ToJob(request, order[n], CapacitySettings.Model));
            await db.SaveChangesAsync(cancellationToken);
        }
        return users.Zip(shares).ToDictionary(p => p.First, p => p.Second);
    }
}
