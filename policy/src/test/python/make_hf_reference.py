#!/usr/bin/env python3
"""Builds the tiny Hugging Face models our HF loading is tested against, and their reference outputs.

Run by hand (the tests only read what it writes; Python is not needed to run them):

    pip install torch transformers safetensors      # CPU torch; offline from this machine's wheels
    python3 policy/src/test/python/make_hf_reference.py policy/src/test/resources/hf

For each model it writes a Hugging Face directory (config.json, model.safetensors, tokenizer.json,
tokenizer_config.json, generation_config.json) and reference.json / reference.safetensors:
the token ids `transformers` gives for a few prompts, the logits of every position of each prompt
(float32, in reference.safetensors), and the greedy continuation with the KV cache.

The tokenizer is a byte-level BPE trained here on a small corpus (nothing is downloaded): the same
kind of tokenizer as GPT-2's and Qwen2's, with their special tokens and pre-tokenisation, so that
special tokens, byte-level mapping, merges and pre-tokenisation are exercised exactly.

Other modes:
    --gpt2-small DIR     a randomly initialised GPT-2-small-sized model (124 M parameters), for
                         benchmarks only (about 500 MB; never committed)
    --check-export DIR   loads a directory written by `srl export` with transformers, and checks that
                         its greedy tokens and log-probs equal `srl generate --model hf:DIR`'s
"""

import argparse
import json
import os
import subprocess
import sys

import torch
from safetensors.torch import load_file, save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import (
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedTokenizerFast,
    Qwen2Config,
    Qwen2ForCausalLM,
)

SEED = 20251029

# Qwen2's pre-tokenisation pattern (from its tokenizer.json): contractions, letters, single digits,
# punctuation runs, newlines, spaces.
QWEN2_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# A chat template of Qwen2's shape: system, user and assistant turns between <|im_start|> and
# <|im_end|>, and the assistant's header as the generation prompt.
QWEN2_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

CORPUS = [
    "Solve the problem step by step. Each step is one action.",
    "<think>First multiply the two numbers, then add the remainder.</think> 12 × 7 = 84",
    "<think>Now subtract.</think> 84 - 19 = 65",
    "Question: what is (17 + 5) × 3 - 4 ÷ 2? Answer: \\boxed{64}",
    "The expert's next step: 22 × 3 = 66. Then 66 - 2 = 64.",
    "Let's think about it: the rollout writes an inner monologue, then the action.",
    "Hugging Face tokenizers split text into words, numbers and punctuation first.",
    "naïve café — déjà vu; 日本語のテキスト; emoji 🙂 and tabs\tand\nnewlines.",
    "I'm sure they're right, we'll see; it's what you'd do, isn't it?",
    "def step(x):\n    return x * 2 + 1\n",
]

PROMPTS = [
    "Solve: 12 × 7 - 19 = ?",
    "<|im_start|>user\nWhat is 17 + 5?<|im_end|>\n<|im_start|>assistant\n<think>",
    "naïve café 🙂 it's   spaced\ttabs\n\nand 2024 digits",
]


def train_tokenizer(kind, vocab_size):
    """A byte-level BPE of GPT-2's (kind 'gpt2') or Qwen2's (kind 'qwen2') construction."""
    tokenizer = Tokenizer(models.BPE())
    if kind == "qwen2":
        specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        tokenizer.normalizer = normalizers.NFC()
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        specials = ["<|endoftext|>"]
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(CORPUS * 4, trainer=trainer)
    return tokenizer, specials


def save_tokenizer(tokenizer, specials, kind, out):
    eos = "<|im_end|>" if kind == "qwen2" else "<|endoftext|>"
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token=eos,
        pad_token="<|endoftext|>",
        bos_token=None if kind == "qwen2" else "<|endoftext|>",
        additional_special_tokens=[s for s in specials if s not in (eos, "<|endoftext|>")],
    )
    if kind == "qwen2":
        fast.chat_template = QWEN2_CHAT_TEMPLATE
    fast.save_pretrained(out)
    return fast


def build_model(kind, vocab_size, tied):
    torch.manual_seed(SEED)
    if kind == "qwen2":
        config = Qwen2Config(
            vocab_size=vocab_size,
            hidden_size=64,
            intermediate_size=96,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=256,
            rope_theta=1_000_000.0,
            rms_norm_eps=1e-6,
            tie_word_embeddings=tied,
            initializer_range=0.2,
        )
        model = Qwen2ForCausalLM(config)
    else:
        config = GPT2Config(
            vocab_size=vocab_size,
            n_embd=64,
            n_layer=2,
            n_head=4,
            n_positions=256,
            initializer_range=0.2,
            bos_token_id=0,
            eos_token_id=0,
        )
        model = GPT2LMHeadModel(config)
    # Random biases and norm gains too, so a weight read into the wrong place changes the logits.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("bias"):
                parameter.copy_(0.3 * torch.randn_like(parameter))
            elif parameter.dim() == 1:  # a norm's gain
                parameter.copy_(1.0 + 0.3 * torch.randn_like(parameter))
    model.eval()
    return model


def reference(model, fast, out):
    records = {"prompts": [], "greedy_new_tokens": 12, "eos_token_id": fast.eos_token_id}
    logits = {}
    for i, prompt in enumerate(PROMPTS):
        ids = fast(prompt)["input_ids"]
        with torch.no_grad():
            full = model(torch.tensor([ids])).logits[0].float().contiguous()
            # Greedy with the KV cache, stopping at the tokenizer's EOS as srl's sampler does.
            generated = model.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                do_sample=False,
                max_new_tokens=records["greedy_new_tokens"],
                eos_token_id=fast.eos_token_id,
                pad_token_id=fast.pad_token_id,
                use_cache=True,
                output_logits=True,
                return_dict_in_generate=True,
            )
            greedy = generated.sequences[0, len(ids):].tolist()
            greedy_logprobs = [
                torch.log_softmax(step[0].float(), dim=-1)[token].item()
                for step, token in zip(generated.logits, greedy)
            ]
        logits[f"logits_{i}"] = full
        records["prompts"].append(
            {
                "text": prompt,
                "ids": ids,
                "tokens": fast.convert_ids_to_tokens(ids),
                "decoded": fast.decode(ids),
                "greedy_ids": greedy,
                "greedy_logprobs": greedy_logprobs,
                "greedy_text": fast.decode(greedy),
            }
        )
    if fast.chat_template:
        messages = [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What is 17 + 5?"},
        ]
        text = fast.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        records["chat"] = {"messages": messages, "text": text, "ids": fast(text)["input_ids"]}
    save_file(logits, os.path.join(out, "reference.safetensors"))
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(records, f, ensure_ascii=False, indent=1)
        f.write("\n")


def make(kind, tied, out):
    os.makedirs(out, exist_ok=True)
    tokenizer, specials = train_tokenizer(kind, vocab_size=320)
    fast = save_tokenizer(tokenizer, specials, kind, out)
    model = build_model(kind, len(fast), tied)
    model.save_pretrained(out, safe_serialization=True)
    reference(model, fast, out)
    size = sum(p.numel() for p in model.parameters())
    print(f"{out}: {kind}, {'tied' if tied else 'untied'}, vocab {len(fast)}, {size} parameters")


def gpt2_small(out):
    torch.manual_seed(SEED)
    os.makedirs(out, exist_ok=True)
    tokenizer, specials = train_tokenizer("gpt2", vocab_size=1000)
    save_tokenizer(tokenizer, specials, "gpt2", out)
    model = GPT2LMHeadModel(GPT2Config())  # 50257 x 768, 12 layers, 12 heads: GPT-2 small
    model.save_pretrained(out, safe_serialization=True)
    print(f"{out}: GPT-2 small, {sum(p.numel() for p in model.parameters())} parameters")


def check_export(directory, srl):
    """transformers loads the exported directory, and its greedy tokens and log-probs equal srl's."""
    config = json.load(open(os.path.join(directory, "config.json"), encoding="utf-8"))
    cls = Qwen2ForCausalLM if config["model_type"] == "qwen2" else GPT2LMHeadModel
    model = cls.from_pretrained(directory).eval()
    fast = PreTrainedTokenizerFast.from_pretrained(directory)
    worst = 0.0
    for prompt in PROMPTS:
        ours = json.loads(
            subprocess.run(
                [srl, "generate", "--model", "hf:" + directory, "--prompt", prompt,
                 "--max-new-tokens", "8", "--json"],
                check=True, capture_output=True, text=True,
            ).stdout
        )
        ids = fast(prompt)["input_ids"]
        generated = model.generate(
            torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
            do_sample=False, max_new_tokens=8, eos_token_id=fast.eos_token_id,
            pad_token_id=fast.pad_token_id, output_logits=True, return_dict_in_generate=True,
        )
        theirs = generated.sequences[0, len(ids):].tolist()
        logprobs = [torch.log_softmax(step[0].float(), -1)[t].item() for step, t in zip(generated.logits, theirs)]
        if ours["prompt_ids"] != ids or ours["ids"] != theirs:
            print(f"differs on {prompt!r}: srl {ours['ids']}, transformers {theirs}")
            return 1
        worst = max([worst] + [abs(a - b) for a, b in zip(ours["log_probs"], logprobs)])
    print(f"{len(PROMPTS)} prompts: the same greedy tokens; max |log-prob difference| = {worst:.3g}")
    return 0 if worst <= 1e-4 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", help="the test resources' hf directory")
    parser.add_argument("--gpt2-small", metavar="DIR")
    parser.add_argument("--check-export", metavar="DIR")
    parser.add_argument("--srl", default="./srl", help="the srl launcher, for --check-export")
    args = parser.parse_args()
    if args.check_export:
        return check_export(args.check_export, args.srl)
    if args.gpt2_small:
        gpt2_small(args.gpt2_small)
        return 0
    if not args.out:
        parser.error("give the output directory")
    make("qwen2", True, os.path.join(args.out, "qwen2-tiny"))
    make("qwen2", False, os.path.join(args.out, "qwen2-tiny-untied"))
    make("gpt2", True, os.path.join(args.out, "gpt2-tiny"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
