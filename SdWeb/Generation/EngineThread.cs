namespace SdWeb.Generation;

/// <summary>
/// The dedicated thread a worker runs its jobs on: the engine's steps are long synchronous calls that must not hold a
/// thread-pool thread, and the weights are freed on this same thread once no step can still be using them.
/// </summary>
public static class EngineThread
{
    /// <summary>Starts <paramref name="runJobs"/> on its own thread; the task ends (or fails) when it returns (or throws) and the model is freed.</summary>
    public static Task Start(Action runJobs, PipelineHost pipelines)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Exception? failure = null;
            try
            {
                runJobs();
            }
            catch (Exception e)
            {
                failure = e; // the host logs a failed background service
            }
            finally
            {
                pipelines.Release();
            }
            if (failure is null) finished.SetResult();
            else finished.SetException(failure);
        })
        { IsBackground = true, Name = "SdWeb engine" };
        thread.Start();
        return finished.Task;
    }
}
