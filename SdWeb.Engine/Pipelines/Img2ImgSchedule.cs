namespace SdWeb.Engine.Pipelines;

/// <summary>diffusers' img2img <c>get_timesteps</c>: which part of the schedule an img2img run covers.</summary>
internal static class Img2ImgSchedule
{
    /// <summary>int(steps × strength), at most steps.</summary>
    public static int StepsToRun(int steps, double strength) => Math.Min((int)(steps * strength), steps);

    /// <summary>Index into the scheduler's timesteps where the run starts (diffusers' t_start × order).</summary>
    public static int StartIndex(int steps, double strength, int schedulerOrder) =>
        Math.Max(steps - StepsToRun(steps, strength), 0) * schedulerOrder;
}
