namespace SdWeb.Scaling.Capacity;

/// <summary>
/// How far an order of claims strays from ideal round-robin. After n claims, ideal round-robin has given every user the
/// same number of jobs, except users who had fewer (they got all theirs): the "water level" that shares n out. The
/// deviation is the largest distance, over every prefix of the order and every user, between the jobs the user got and
/// that level. Exact round-robin stays below 1 (a turn is handed out one user at a time); below 2, no user was ever more
/// than one turn ahead of or behind their fair share.
/// </summary>
internal static class Fairness
{
    public static double MaxDeviation(IEnumerable<string> claimOrder, IReadOnlyDictionary<string, int> jobsPerUser)
    {
        var got = jobsPerUser.Keys.ToDictionary(u => u, _ => 0);
        var worst = 0.0;
        var n = 0;
        foreach (var user in claimOrder)
        {
            got[user]++;
            var level = WaterLevel(++n, jobsPerUser.Values);
            worst = Math.Max(worst, got.Max(g => Math.Abs(g.Value - Math.Min(jobsPerUser[g.Key], level))));
        }
        return worst;
    }

    /// <summary>The level L with Σ min(jobs of u, L) = <paramref name="claims"/>: users with fewer jobs than L have all of them.</summary>
    internal static double WaterLevel(int claims, IEnumerable<int> jobsPerUser)
    {
        var sorted = jobsPerUser.Order().ToList();
        var left = (double)claims;
        for (var i = 0; i < sorted.Count; i++)
        {
            var sharing = sorted.Count - i;
            if (left <= (double)sorted[i] * sharing) return left / sharing;
            left -= sorted[i];
        }
        return sorted.Count == 0 ? 0 : sorted[^1];
    }
}
