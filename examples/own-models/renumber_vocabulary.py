#!/usr/bin/env python3
"""Copy a Hugging Face GPT-2 directory whose tokenizer is WordLevel, numbering its words in
another order: the word ids of tokenizer.json are permuted (special tokens keep theirs) and the
rows of the token embedding move with them. The copy computes the same function of a text
under a different tokenizer, so a policy trained against it must get exactly the rewards it
would get against the original: the README's worked example of a reward model with a
tokenizer of its own. Standard library only.

    renumber_vocabulary.py SRC DST [SEED]
"""
import json
import os
import random
import shutil
import struct
import sys

EMBEDDING = ("transformer.wte.weight", "wte.weight")


def fail(message):
    sys.exit(f"renumber_vocabulary: {message}")


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        fail(f"{path}: too short for a safetensors file")
    (length,) = struct.unpack("<Q", data[:8])
    if length > len(data) - 8:
        fail(f"{path}: header length {length} does not fit the file")
    header = json.loads(data[8:8 + length])
    return header, bytearray(data[8 + length:])


def write_safetensors(path, header, body):
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        f.write(body)
    os.replace(tmp, path)


def main(argv):
    if len(argv) not in (3, 4):
        fail("usage: renumber_vocabulary.py SRC DST [SEED]")
    src, dst = argv[1], argv[2]
    seed = int(argv[3]) if len(argv) == 4 else 0
    if os.path.exists(dst):
        fail(f"{dst} exists")
    with open(os.path.join(src, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    model = tokenizer.get("model", {})
    if model.get("type") != "WordLevel":
        fail(f"{src}/tokenizer.json is a {model.get('type')} tokenizer, not WordLevel")
    special = {t["id"] for t in tokenizer.get("added_tokens", [])}
    vocab = model["vocab"]
    words = sorted((i for i in vocab.values() if i not in special))
    shuffled = words[:]
    random.Random(seed).shuffle(shuffled)
    new_id = dict(zip(words, shuffled))  # old id -> new id
    model["vocab"] = {w: new_id.get(i, i) for w, i in vocab.items()}

    header, body = read_safetensors(os.path.join(src, "model.safetensors"))
    name = next((n for n in EMBEDDING if n in header), None)
    if name is None:
        fail(f"{src}/model.safetensors has no token embedding ({' or '.join(EMBEDDING)})")
    entry = header[name]
    if entry["dtype"] != "F32":
        fail(f"{name} is {entry['dtype']}; this script moves F32 rows")
    rows, width = entry["shape"]
    begin, end = entry["data_offsets"]
    row_bytes = 4 * width
    old = bytes(body[begin:end])
    for old_id, target in new_id.items():
        if old_id >= rows:
            fail(f"word id {old_id} is outside the embedding's {rows} rows")
        body[begin + target * row_bytes:begin + (target + 1) * row_bytes] = \
            old[old_id * row_bytes:(old_id + 1) * row_bytes]

    os.makedirs(dst + ".partial", exist_ok=False)
    for f in os.listdir(src):
        if f not in ("model.safetensors", "tokenizer.json"):
            shutil.copy(os.path.join(src, f), os.path.join(dst + ".partial", f))
    with open(os.path.join(dst + ".partial", "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=1)
    write_safetensors(os.path.join(dst + ".partial", "model.safetensors"), header, body)
    os.rename(dst + ".partial", dst)
    print(f"renumber_vocabulary: {dst}: {len(words)} words renumbered (seed {seed}), "
          f"{len(special)} special tokens kept")


if __name__ == "__main__":
    main(sys.argv)
