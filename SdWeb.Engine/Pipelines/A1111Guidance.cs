using SdWeb.Engine.Pipelines.Components;
using SdWeb.Engine.Prompts;
using TorchSharp;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// AUTOMATIC1111's CFGDenoiser on diffusers' loop: at each call the scheduled conditionings of the step,
/// eps = eu + Σ (ec_k − eu) · (w_k · cfg) over the AND parts of each image's prompt, cond and uncond in one UNet pass
/// when their token counts agree (or are padded to agree), in two passes otherwise.
/// </summary>
internal sealed class A1111Guidance
{
    private readonly IReadOnlyList<IReadOnlyList<(double Weight, ScheduledConditioning Conditioning)>> _conds;
    private readonly IReadOnlyList<ScheduledConditioning> _unconds;
    private readonly A1111Conditioning _conditioning;
    private readonly bool _pad;

    /// <param name="prompts">Per image of the batch, its prompt; <paramref name="negatives"/> likewise.</param>
    public A1111Guidance(A1111Conditioning conditioning, IReadOnlyList<string> prompts, IReadOnlyList<string> negatives, bool padCondUncond)
    {
        _conditioning = conditioning;
        _conds = prompts.Select(conditioning.Prompt).ToList();
        _unconds = negatives.Select(conditioning.Negative).ToList();
        _pad = padCondUncond;
    }

    /// <summary>[uncond, cond] at step 0 when they batch together, else cond (what DiffusionRun reports).</summary>
    public torch.Tensor EmbeddingsAtStart()
    {
        var (cond, uncond) = At(0);
        return cond.shape[1] == uncond.shape[1] ? torch.cat([uncond, cond]) : cond;
    }

    /// <param name="scaledLatents">[batch, 4, h, w] after scale_model_input.</param>
    public torch.Tensor PredictNoise(INoisePredictor unet, torch.Tensor scaledLatents, torch.Tensor timestep, int step, double cfgScale)
    {
        var (cond, uncond) = At(step);
        var parts = _conds.Select((c, image) => Enumerable.Repeat((long)image, c.Count)).SelectMany(i => i).ToArray();
        using var partImages = torch.tensor(parts, device: scaledLatents.device);
        var condLatents = scaledLatents.index_select(0, partImages);
        int batch = (int)scaledLatents.shape[0];

        torch.Tensor eu, ec;
        if (cond.shape[1] == uncond.shape[1])
        {
            // diffusers' order [uncond, cond] in one pass.
            var both = unet.PredictNoise(torch.cat([scaledLatents, condLatents]), timestep, torch.cat([uncond, cond]));
            eu = both.narrow(0, 0, batch);
            ec = both.narrow(0, batch, parts.Length);
        }
        else
        {
            eu = unet.PredictNoise(scaledLatents, timestep, uncond);
            ec = unet.PredictNoise(condLatents, timestep, cond);
        }

        var images = new List<torch.Tensor>();
        int index = 0;
        for (int image = 0; image < batch; image++)
        {
            var denoised = eu[image];
            foreach (var (weight, _) in _conds[image])
                denoised = denoised + (ec[index++] - eu[image]) * (weight * cfgScale);
            images.Add(denoised);
        }
        return torch.stack(images);
    }

    /// <summary>Cond [parts, L, C] and uncond [batch, L', C] at a step, padded as A1111 pads them.</summary>
    private (torch.Tensor Cond, torch.Tensor Uncond) At(int step)
    {
        var cond = StackConds(_conds.SelectMany(parts => parts.Select(p => p.Conditioning.At(step))).ToList());
        var uncond = StackConds(_unconds.Select(u => u.At(step)).ToList());
        if (!_pad || cond.shape[1] == uncond.shape[1]) return (cond, uncond);
        var empty = _conditioning.EmptyChunk().unsqueeze(0);
        long repeats = (cond.shape[1] - uncond.shape[1]) / empty.shape[1];
        return repeats > 0
            ? (cond, torch.cat([uncond, empty.repeat(uncond.shape[0], repeats, 1)], 1))
            : (torch.cat([cond, empty.repeat(cond.shape[0], -repeats, 1)], 1), uncond);
    }

    /// <summary>A1111's stack_conds: shorter conditionings repeat their last vector up to the longest.</summary>
    private static torch.Tensor StackConds(IReadOnlyList<torch.Tensor> conds)
    {
        long tokens = conds.Max(c => c.shape[0]);
        return torch.stack(conds.Select(c => c.shape[0] == tokens
            ? c
            : torch.cat([c, c.narrow(0, c.shape[0] - 1, 1).repeat(tokens - c.shape[0], 1)])).ToArray());
    }
}
