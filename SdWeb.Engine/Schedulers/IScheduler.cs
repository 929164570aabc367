using TorchSharp;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// A diffusion sampler, mirroring diffusers' scheduler API (0.24): set the timesteps, scale the model input,
/// step from the model output. Stateful across one sampling run; <see cref="SetTimesteps"/> resets it.
/// Disposing it frees the tensors it keeps outside any dispose scope (its schedule and step history).
/// </summary>
internal interface IScheduler : IDisposable
{
    /// <summary>The CLI/UI name (lms, euler, euler_a, heun, ddim, pndm, dpmpp_2m, dpmpp_2m_karras, unipc).</summary>
    string Name { get; }

    SchedulerConfig Config { get; }

    /// <summary>Model calls per timestep entry in the diffusers sense (Heun: 2; used by img2img's t_start * order).</summary>
    int Order { get; }

    /// <summary>Timesteps for the current run, float32 (LMS/Euler/Heun keep fractions) on the CPU.</summary>
    torch.Tensor Timesteps { get; }

    float InitNoiseSigma { get; }

    void SetTimesteps(int numInferenceSteps);

    torch.Tensor ScaleModelInput(torch.Tensor sample, torch.Tensor timestep);

    SchedulerStepOutput Step(torch.Tensor modelOutput, torch.Tensor timestep, torch.Tensor sample, torch.Generator? generator);

    /// <summary>Noises clean latents to the given timesteps (img2img).</summary>
    torch.Tensor AddNoise(torch.Tensor originalSamples, torch.Tensor noise, torch.Tensor timesteps);
}

/// <summary>The result of one step: the next latents and the model's current estimate of the clean latents (for previews).</summary>
internal sealed record SchedulerStepOutput(torch.Tensor PrevSample, torch.Tensor PredOriginalSample);
