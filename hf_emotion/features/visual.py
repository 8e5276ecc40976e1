"""VisExtNet (MultiEMO, Section 3.1): one visual vector per utterance from the speakers' faces only.

Up to `num_frames` (20) frames are sampled evenly from the utterance's clip; in each, the face
regions are kept (from a face detector, or face crops the user already has), every face is embedded
by a ResNet (ResNet-101 in the paper) and the embeddings are averaged over all faces of all frames.
A clip with no face at all gets a zero vector, as in the paper. `crop="frame"` embeds whole frames
instead: the paper's "w/o VisExtNet" ablation, which sees the scene rather than the faces.

Backbone weights are the user's to supply. The paper's ResNet-101 was trained on VGGFace2 and the
authors have not released it; hf_emotion ships no face weights. Pass a folder or Hub id holding a
Transformers `ResNetModel` (pooled features, 2048-d for ResNet-101) or
`ResNetForImageClassification` (its logits, e.g. the paper's 1000-d output). `resnet101_config()`
gives the architecture for training one yourself.

The face detector is optional: any callable frame (H, W, 3) -> list of (x1, y1, x2, y2) boxes.
`mtcnn_face_detector()` wraps facenet-pytorch's MTCNN (the paper's detector) if it is installed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CROPS = ("faces", "frame")


def resnet101_config(**overrides):
    """The ResNet-101 architecture (bottleneck blocks 3-4-23-3), untrained."""
    from transformers import ResNetConfig

    return ResNetConfig(**{"depths": [3, 4, 23, 3], "hidden_sizes": [256, 512, 1024, 2048], "layer_type": "bottleneck", **overrides})


def mtcnn_face_detector(**mtcnn_kwargs) -> Callable[[np.ndarray], list[tuple[float, float, float, float]]]:
    """facenet-pytorch's MTCNN as a VisExtNet face detector (optional dependency)."""
    try:
        from facenet_pytorch import MTCNN
    except Exception as err:  # ImportError, or torchvision failing to import beside this torch
        raise ImportError(
            "mtcnn_face_detector needs facenet-pytorch (and a torchvision matching your torch): "
            "pip install facenet-pytorch; or pass your own face_detector, or face crops via faces=..."
        ) from err
    mtcnn = MTCNN(keep_all=True, **mtcnn_kwargs)

    def detect(frame: np.ndarray):
        boxes, _ = mtcnn.detect(frame)
        return [] if boxes is None else [tuple(b) for b in boxes]

    return detect


def load_image(image, where: str) -> np.ndarray:
    """An (H, W, 3) array from an array or an image file (files need Pillow)."""
    if isinstance(image, (str, Path)):
        if not Path(image).is_file():
            raise FileNotFoundError(f"{where}: image file {image} does not exist")
        try:
            from PIL import Image
        except ImportError as err:
            raise ImportError(f"{where}: reading image files needs `pip install pillow`; or pass arrays") from err
        with Image.open(image) as img:
            return np.asarray(img.convert("RGB"))
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[2] != 3 or min(array.shape[:2]) == 0:
        raise ValueError(f"{where}: expected an RGB image of shape (H, W, 3), got {array.shape}")
    return array


class VisExtNet:
    """Faces in sampled frames -> ResNet embeddings -> their average (see the module docstring)."""

    def __init__(
        self,
        backbone,
        face_detector: Callable | None = None,
        num_frames: int = 20,
        image_size: int = 224,
        crop: str = "faces",
        mean: Sequence[float] = IMAGENET_MEAN,
        std: Sequence[float] = IMAGENET_STD,
        batch_size: int = 32,
        device: str | None = None,
    ):
        if crop not in CROPS:
            raise ValueError(f"VisExtNet crop must be one of {CROPS}, got {crop!r}")
        if num_frames < 1:
            raise ValueError(f"VisExtNet num_frames must be >= 1, got {num_frames}")
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        if isinstance(backbone, (str, Path)):
            from transformers import AutoModel

            backbone = AutoModel.from_pretrained(backbone)
        self.backbone = backbone.to(self.device).eval()
        self.classifier_output = hasattr(backbone, "classifier")
        self.dim = backbone.config.num_labels if self.classifier_output else backbone.config.hidden_sizes[-1]
        self.face_detector, self.num_frames, self.image_size, self.crop = face_detector, num_frames, image_size, crop
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)
        self.batch_size = batch_size

    def sample(self, n: int) -> list[int]:
        """Up to `num_frames` evenly spaced frame indices."""
        return sorted(set(np.linspace(0, n - 1, min(n, self.num_frames)).round().astype(int).tolist())) if n else []

    def regions(self, frame: np.ndarray) -> list[np.ndarray]:
        """The face crops of one frame (or the frame itself with crop="frame")."""
        if self.crop == "frame":
            return [frame]
        if self.face_detector is None:
            raise ValueError("VisExtNet(crop='faces') needs a face_detector to find faces in frames; or pass face crops (faces=...)")
        h, w = frame.shape[:2]
        crops = []
        for x1, y1, x2, y2 in self.face_detector(frame):
            x1, y1 = max(0, int(x1)), max(0, int(y1))
            x2, y2 = min(w, int(np.ceil(x2))), min(h, int(np.ceil(y2)))
            if x2 > x1 and y2 > y1:
                crops.append(frame[y1:y2, x1:x2])
        return crops

    @torch.no_grad()
    def embed(self, images: list[np.ndarray]) -> np.ndarray:
        """(n, dim) backbone embeddings of RGB images (uint8 0-255 or float 0-1), resized and normalised."""
        out = []
        for start in range(0, len(images), self.batch_size):
            batch = []
            for image in images[start : start + self.batch_size]:
                x = torch.as_tensor(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float()
                x = x / 255.0 if np.asarray(image).dtype == np.uint8 else x
                batch.append(F.interpolate(x, size=(self.image_size, self.image_size), mode="bilinear", align_corners=False))
            pixels = ((torch.cat(batch) - self.mean) / self.std).to(self.device)
            result = self.backbone(pixel_values=pixels)
            vectors = result.logits if self.classifier_output else result.pooler_output.flatten(1)
            out.append(vectors.float().cpu().numpy())
        return np.concatenate(out)

    def __call__(self, frames: Sequence | None = None, faces: Sequence[Sequence] | None = None) -> np.ndarray:
        """(dim,) for one utterance, from its `frames` (arrays or image files) or from `faces`:
        user-given crops, one list per frame. No face anywhere -> a zero vector."""
        if (frames is None) == (faces is None):
            raise ValueError("VisExtNet: pass exactly one of frames=... (whole frames) or faces=... (face crops per frame)")
        if faces is not None:
            chosen = [faces[i] for i in self.sample(len(faces))]
            crops = [load_image(c, f"VisExtNet faces[{i}]") for i, frame_faces in enumerate(chosen) for c in frame_faces]
        else:
            crops = [
                region
                for i in self.sample(len(frames))
                for region in self.regions(load_image(frames[i], f"VisExtNet frames[{i}]"))
            ]
        if not crops:
            return np.zeros(self.dim, np.float32)
        return self.embed(crops).mean(0)

    def settings(self) -> dict:
        return {"num_frames": self.num_frames, "image_size": self.image_size, "crop": self.crop}
