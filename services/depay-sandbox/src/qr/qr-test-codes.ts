/**
 * Valid EMVCo codes with a fixed behaviour, documented in the package README.
 * Their CRCs were computed with this sandbox's own CRC-16 (qr/crc16.ts) and
 * the tests decode each one. What picks the behaviour is the merchant account
 * inside the code (see qr/merchant-directory.ts), the way a Pix test key does.
 */
export const QR_TEST_CODES = {
  /** BR Pix, BRL 10.50 (tag 54), EVP key: preview CREATED (closed_amount); a payment ends COMPLETED. */
  closed:
    "00020101021126580014br.gov.bcb.pix01368f27d7dc-aa2a-42a8-9f4c-7998dfef5202520458125303986540510.505802BR5916RIEL RESTAURANTE6009SAO PAULO62120508RIEL000163048263",
  /** PE static, PEN, no amount: WAITING_AMOUNT until PUT /v2/payments/previews; a payment ends COMPLETED. */
  open: "00020101021126370018pe.example.interop0111201234567895204581453036045802PE5911BODEGA RIEL6004LIMA610515001630460C3",
  /** AR static, ARS, no amount, a merchant who types the amount at the POS (CVU in tag 43): PROCESS_LATER. */
  processLater:
    "00020101021143430013ar.com.coelsa012200005326073000670791795204541153030325802AR5911KIOSCO RIEL6012BUENOS AIRES62100706S0279963046F6A",
  /** BR Pix, BRL 25.00, key = PIX_TEST_KEYS.rejected (CPF 111.444.777-35): a payment ends REJECTED. */
  rejected:
    "00020101021126330014br.gov.bcb.pix011111144477735520454115303986540525.005802BR5912RIEL MERCADO6014RIO DE JANEIRO62120508RIEL000263048121",
  /** BR Pix, BRL 30.00, key = PIX_TEST_KEYS.failed (CPF 529.982.247-25): a payment ends FAILED. */
  failed:
    "00020101021126330014br.gov.bcb.pix011152998224725520454115303986540530.005802BR5912RIEL PADARIA6008CURITIBA62120508RIEL00036304816E",
} as const;

