"""Operations: installing the shim, doctor, imports — commands an operator runs."""
