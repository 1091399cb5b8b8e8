# [P] Adam at lr 1e-4 and a constant rate: the paper names no schedule. Training counts iterations;
# each experiment sets how many (train_cfg.max_iters) and how often it validates.
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, weight_decay=0.0))
param_scheduler = []
train_cfg = dict(type='IterBasedTrainLoop')
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
