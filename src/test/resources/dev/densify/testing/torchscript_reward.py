# Writes the TorchScript reward models of the tests (TorchScriptModels) and PyTorch's own scores
# of the test's rows: python3 torchscript_reward.py OUT_DIR [VOCAB]
import json
import sys

import torch

VOCAB = int(sys.argv[2]) if len(sys.argv) > 2 else 50
WIDTH, POSITIONS = 16, 64


class Reward(torch.nn.Module):
    """Embeddings, one bidirectional (non-causal) masked attention, mean pooling, 2 logits."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, WIDTH)
        self.position = torch.nn.Embedding(POSITIONS, WIDTH)
        self.query = torch.nn.Linear(WIDTH, WIDTH)
        self.key = torch.nn.Linear(WIDTH, WIDTH)
        self.head = torch.nn.Linear(WIDTH, 2)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        h = self.embed(input_ids) + self.position(positions)
        keep = attention_mask.to(h.dtype)
        scores = self.query(h) @ self.key(h).transpose(1, 2) / WIDTH ** 0.5
        scores = scores.masked_fill(keep.unsqueeze(1) == 0, -1e9)
        h = torch.tanh(torch.softmax(scores, dim=-1) @ h)
        pooled = (h * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return (self.head(pooled),)


class OneArgument(torch.nn.Module):
    def forward(self, input_ids):
        return input_ids.float().sum(1)


def main(out):
    torch.manual_seed(7)
    model = Reward().eval()
    rows = [[i % VOCAB for i in r] for r in ([3, 17, 5, 9, 41, 2, 8], [12, 4, 4], [1, 30, 22, 7, 49])]
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
    with torch.no_grad():
        padded = model(ids, mask)[0]
        alone = [model(torch.tensor([r]), torch.ones(1, len(r), dtype=torch.long))[0][0] for r in rows]
        traced = torch.jit.trace(model, (ids, mask))
    traced.save(f"{out}/reward.pt")
    torch.jit.script(OneArgument()).save(f"{out}/one_argument.pt")
    json.dump({"rows": rows,
               "padded": padded.tolist(),
               "alone": [a.tolist() for a in alone]}, open(f"{out}/reference.json", "w"))


main(sys.argv[1])
