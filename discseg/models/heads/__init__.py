from .embedding_head import EmbeddingHead

__all__ = ['EmbeddingHead']
