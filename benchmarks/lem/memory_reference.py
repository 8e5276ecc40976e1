"""The emotion memory written literally, one emotion and one hop at a time.

It follows the paper's description step by step (tokens X, input attention, memory read-out,
R_m = R_out + X as the next hop's tokens) with a Python loop over the K emotions. It is the
reference the batched `EmotionMemory` is tested against and timed against; it is not library code.
"""

import torch


def memory_reference(memory, tokens, token_mask, emotion_keys, feature_embedding):
    slots = memory.memory_map(feature_embedding)  # (S, D)
    num_hops, num_emotions = memory.in_v.shape[:2]
    outputs = []
    for k in range(num_emotions):
        x = tokens
        key = memory.key(emotion_keys[:, k]) if memory.use_rle else None
        for h in range(num_hops):
            projected = x @ memory.in_tokens[h, k]
            if key is not None:
                projected = projected + (key @ memory.in_key[h, k])[:, None, :]
            scores = torch.tanh(projected) @ memory.in_v[h, k]
            scores = scores.masked_fill(~token_mask, float("-inf"))
            alpha_in = torch.nan_to_num(torch.softmax(scores, dim=-1)) * token_mask
            r_in = (alpha_in.unsqueeze(-1) * x).sum(1)
            read = torch.tanh((r_in @ memory.out_read[h, k])[:, None, :] + slots @ memory.out_slots[h, k])
            r_out = torch.softmax(read @ memory.out_v[h, k], dim=-1) @ slots
            x = x + r_out[:, None, :]
        outputs.append(r_in + r_out)
    return torch.stack(outputs, dim=1)
