"""SAP ECC / S/4HANA table extracts (SE16N, SQVI or similar) onto the data contract."""
