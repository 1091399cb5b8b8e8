from .discriminative_loss import DiscriminativeLoss

__all__ = ['DiscriminativeLoss']
