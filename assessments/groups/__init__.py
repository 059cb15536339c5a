"""Groups: trusts, local authorities, dioceses and networks that oversee organisations, seeing
only what each organisation chose to share."""
