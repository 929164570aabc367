using System.Threading.Channels;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;
using TorchSharp;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class JobExecutorTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EachImageOfAJobIsItsOwnEngineCallAtSeedPlusIAndTheJobSucceeds(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync(change: r => r with { ImageCount = 3, Seed = 41 });

        await h.RunNextAsync();

        var job = await h.JobAsync(id);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Attempts);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
        var requests = h.Factory.Loaded.Single().Requests;
        Assert.Equal([41L, 42L, 43L], requests.Select(r => r.Seed!.Value));
        Assert.All(requests, r => Assert.Equal(1, r.ImagesPerPrompt));
        // The harness's notifier sends 1000 previews a second: the engine need not make them more often.
        Assert.All(requests, r => Assert.Equal(TimeSpan.FromMilliseconds(1), r.MinPreviewInterval));
        Assert.Equal([41L, 42L, 43L], (await h.SavedAsync()).Select(s => s.Seed));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AJobStoppedByShutdownKeepsItsSavedImagesAndMakesOnlyTheMissingOnesAfterRestart(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync(change: r => r with { ImageCount = 3, Seed = 41 });
        using var stopping = new CancellationTokenSource();
        h.Factory.Configure = p => p.BeforeStep = (request, _, _) => { if (request.Seed == 42) stopping.Cancel(); };

        h.Executor.Run((await h.Queue.DequeueAsync(CancellationToken.None)).JobId, stopping.Token);
        Assert.Equal(JobStatus.Queued, (await h.JobAsync(id)).Status);
        Assert.Equal([41L], (await h.SavedAsync()).Select(s => s.Seed));

        h.Executor.Run(id, CancellationToken.None);

        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(id)).Status);
        Assert.Equal([41L, 42L, 43L], (await h.SavedAsync()).Select(s => s.Seed).Order());
        Assert.Equal([41L, 42L, 42L, 43L], h.Factory.Loaded.SelectMany(p => p.Requests).Select(r => r.Seed!.Value));
    }

    [Fact]
    public async Task ASkippedImageIsDroppedAndTheJobGoesOnWithTheNextAndSucceeds()
    {
        using var h = await GenerationHarness.CreateAsync();
        var id = await h.SubmitAsync(change: r => r with { ImageCount = 3, Seed = 41 });
        h.Factory.Configure = p => p.BeforeStep = (request, step, _) =>
        {
            if (request.Seed == 42 && step == 2) Assert.True(h.Cancellations.SkipImage(id));
        };

        await h.RunNextAsync();

        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(id)).Status);
        Assert.Equal([41L, 43L], (await h.SavedAsync()).Select(s => s.Seed));
        Assert.Equal([41L, 42L, 43L], h.Factory.Loaded.Single().Requests.Select(r => r.Seed!.Value));
        Assert.False(h.Cancellations.SkipImage(id)); // nothing left to skip once the job has finished
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AJobWithoutSeedGetsARandom32BitSeedThatIsStored(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync(change: r => r with { Seed = null });

        await h.RunNextAsync();

        var seed = (await h.JobAsync(id)).Seed;
        Assert.NotNull(seed);
        Assert.InRange(seed.Value, 0, uint.MaxValue);
        Assert.Equal(seed, h.Factory.Loaded.Single().Requests.Single().Seed);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task WatchersSeeImageAndStepProgressWithPreviewsThenTheImages(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync(change: r => r with { ImageCount = 2, Steps = 3 });
        var received = Channel.CreateUnbounded<JobUpdate>();
        using var _ = h.Notifier.SubscribeToJob(id, u => received.Writer.WriteAsync(u).AsTask());
        var gate = new SemaphoreSlim(0);
        // Hold the engine after each reported step until the test has seen it, so no update is coalesced away.
        h.Factory.Configure = p => p.BeforeStep = (request, step, _) => { if (step > 1 || request.Seed != 100) gate.Wait(CancellationToken.None); };

        var run = Task.Run(h.RunNextAsync);
        var seen = new List<JobUpdate>();
        JobUpdate update;
        do
        {
            update = await received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            seen.Add(update);
            if (update.Progress is { Step: > 0 } p && (p.Image, p.Step) != (2, 3)) gate.Release();
        } while (!update.IsFinished);
        await run;

        var steps = seen.Where(u => u.Progress is { Step: > 0 }).Select(u => (u.Progress!.Image, u.Progress.Step)).ToList();
        // The last step's update may be replaced by the final one before it is delivered (by design: newest state wins).
        Assert.Equal([(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)], steps.Take(5));
        var midway = seen.First(u => u.Progress is { Image: 2, Step: 1 }).Progress!;
        Assert.Equal(2, midway.ImageCount);
        Assert.Equal(TimeSpan.FromSeconds(2), midway.Eta); // 2 s left of this image, none after it
        Assert.NotNull(seen.First(u => u.Progress is { Step: 1 }).Progress!.Preview);
        Assert.Equal(JobStatus.Succeeded, update.Status);
        Assert.Equal((await h.SavedAsync()).Select(s => s.Id), update.ImageIds);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnEngineFailureFailsThatJobWithItsMessageAndTheNextJobSucceeds(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var failing = await h.SubmitAsync(change: r => r with { Prompt = "explode" });
        var next = await h.SubmitAsync("bob");
        h.Factory.Configure = p => p.BeforeStep = (request, _, _) =>
        {
            if (request.Prompts[0] == "explode")
                throw new GenerationFailedException("The UNet produced NaN at step 1; try fp32 or another VAE.");
        };

        await h.RunNextAsync();
        await h.RunNextAsync();

        var failed = await h.JobAsync(failing);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("The UNet produced NaN at step 1; try fp32 or another VAE.", failed.Error);
        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(next)).Status);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnUnexpectedExceptionIsReportedAsAnEngineFailure(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync();
        h.Factory.Configure = p => p.BeforeStep = (_, _, _) => throw new NullReferenceException("boom");

        await h.RunNextAsync();

        Assert.Equal("The engine failed: boom", (await h.JobAsync(id)).Error);
    }

    [Fact]
    public async Task ALibtorchErrorFailsTheJobWithItsSentenceWithoutTheNativeBacktrace()
    {
        using var h = await GenerationHarness.CreateAsync();
        var id = await h.SubmitAsync();
        string? raw = null;
        h.Factory.Configure = p => p.BeforeStep = (_, _, _) =>
        {
            // A real libtorch failure, as a model whose vocabulary the prompt outruns gives it.
            using var table = torch.zeros(3, 2);
            using var ids = torch.tensor(new long[] { 5 });
            try
            {
                table.index_select(0, ids).Dispose();
            }
            catch (Exception e)
            {
                raw = e.Message;
                throw;
            }
        };

        await h.RunNextAsync();

        var backtrace = Assert.IsType<string>(raw).IndexOf("Exception raised from", StringComparison.Ordinal);
        Assert.True(backtrace > 0, $"libtorch's message has no backtrace to cut: {raw}");
        var error = (await h.JobAsync(id)).Error;
        Assert.Contains("out of range", error);
        Assert.Equal($"The engine failed: {raw![..backtrace].TrimEnd()}", error);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AModelThatFailsToLoadFailsTheJobSayingWhyAndThePreviousModelStaysInService(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var first = await h.SubmitAsync(change: r => r with { Model = "model-a" });
        var broken = await h.SubmitAsync(change: r => r with { Model = "model-b" });
        var third = await h.SubmitAsync(change: r => r with { Model = "model-a" });
        h.Factory.Broken.Add("/models/model-b");

        await h.RunNextAsync();
        await h.RunNextAsync();
        await h.RunNextAsync();

        var failed = await h.JobAsync(broken);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("/models/model-b: unet/diffusion_pytorch_model.safetensors is truncated.", failed.Error);
        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(first)).Status);
        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(third)).Status);
        var modelA = Assert.Single(h.Factory.Loaded); // loaded once, kept between jobs and through the failed load
        Assert.False(modelA.Disposed);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AJobCancelledWhileItWaitedDoesNotRun(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync();
        var dequeued = await h.Queue.DequeueAsync(CancellationToken.None); // the worker has taken it but not started it

        Assert.Equal(CancelOutcome.Cancelled, await h.Canceller.CancelAsync(id, "alice", false, CancellationToken.None));
        h.Executor.Run(dequeued.JobId, CancellationToken.None);

        Assert.Equal(JobStatus.Cancelled, (await h.JobAsync(id)).Status);
        Assert.Empty(h.Factory.Loaded);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ARunningJobIsCancelledAtItsNextStepAndKeepsTheImagesAlreadyMade(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync(change: r => r with { ImageCount = 2, Steps = 2 });
        var secondImageStarted = new TaskCompletionSource();
        h.Factory.Configure = p => p.BeforeStep = (request, _, token) =>
        {
            if (request.Seed != 101) return;
            secondImageStarted.TrySetResult();
            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
        };

        var run = Task.Run(h.RunNextAsync);
        await secondImageStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CancelOutcome.Stopping, await h.Canceller.CancelAsync(id, "alice", false, CancellationToken.None));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobStatus.Cancelled, (await h.JobAsync(id)).Status);
        Assert.Equal([100L], (await h.SavedAsync()).Select(s => s.Seed));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AJobInterruptedByTheAppStoppingWaitsAgainWithoutUsingUpAnAttempt(DatabaseProvider provider)
    {
        using var h = await GenerationHarness.CreateAsync(provider: provider);
        var id = await h.SubmitAsync();
        using var stopping = new CancellationTokenSource();
        h.Factory.Configure = p => p.BeforeStep = (_, _, _) => stopping.Cancel();

        h.Executor.Run((await h.Queue.DequeueAsync(CancellationToken.None)).JobId, stopping.Token);

        var job = await h.JobAsync(id);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal(0, job.Attempts);
        Assert.Null(job.StartedAt);
    }
}
