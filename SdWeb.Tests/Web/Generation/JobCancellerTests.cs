using SdWeb.Data;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class JobCancellerTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AUserCancelsTheirOwnWaitingJobWhichLeavesTheQueue(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync();

        Assert.Equal(CancelOutcome.Cancelled, await h.Canceller.CancelAsync(id, "alice", isAdmin: false, CancellationToken.None));

        var job = await h.JobAsync(id);
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.NotNull(job.FinishedAt);
        Assert.Equal(0, h.Queue.Count);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SomeoneElsesJobCannotBeCancelledExceptByAnAdmin(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync("alice");

        Assert.Equal(CancelOutcome.Forbidden, await h.Canceller.CancelAsync(id, "bob", isAdmin: false, CancellationToken.None));
        Assert.Equal(JobStatus.Queued, (await h.JobAsync(id)).Status);
        Assert.Equal(CancelOutcome.Cancelled, await h.Canceller.CancelAsync(id, "bob", isAdmin: true, CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task UnknownAndFinishedJobsSaySo(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync();
        await h.RunNextAsync();

        Assert.Equal(CancelOutcome.AlreadyFinished, await h.Canceller.CancelAsync(id, "alice", false, CancellationToken.None));
        Assert.Equal(CancelOutcome.NotFound, await h.Canceller.CancelAsync(Guid.NewGuid(), "alice", false, CancellationToken.None));
    }
}
