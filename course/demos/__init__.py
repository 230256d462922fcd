"""Interactive demos, one module per lesson (nbNN_topic.py): plain draw functions plus the Explorer that drives them."""
