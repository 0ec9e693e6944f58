"""Stable codes for every problem an import can report, with messages in Indonesian and English.

The codes are part of the JSON report's contract (docs/import-report.md): never rename one.
"""

from __future__ import annotations


from tepat.engine.bilingual import Message


ROW_ERRORS: dict[str, Message] = {
    "required_missing": Message("Kolom wajib {column} kosong", "Required column {column} is empty"),
    "nik_excel_number": Message(
        "NIK tersimpan sebagai angka oleh Excel (digit ke-16 hilang); kirim ulang dengan kolom berformat Teks",
        "NIK was stored as a number by Excel (16th digit lost); re-export with the column formatted as Text",
    ),
    "nik_not_digits": Message("NIK harus berisi angka saja", "NIK must contain digits only"),
    "nik_length": Message("NIK harus 16 digit, ini {length} digit", "NIK must have 16 digits, this has {length}"),
    "nik_region_unknown": Message("Kode wilayah NIK {prefix} tidak dikenal", "NIK region code {prefix} is unknown"),
    "nik_birthdate_invalid": Message(
        "Tanggal lahir dalam NIK tidak valid", "The birth date inside the NIK is not a valid date"
    ),
    "nik_sex_mismatch": Message(
        "Tanggal dalam NIK ({day}) tidak sesuai jenis kelamin {sex} (perempuan: tanggal + 40)",
        "The day inside the NIK ({day}) does not match sex {sex} (women: day + 40)",
    ),
    "nik_duplicate_in_file": Message("NIK sama dengan baris {other}", "NIK duplicates row {other}"),
    "nik_duplicate_registry": Message(
        "NIK sudah terdaftar di keluarga lain (sumber yang sama) di registri",
        "NIK is already registered in another family of the same source",
    ),
    "kk_excel_number": Message(
        "No KK tersimpan sebagai angka oleh Excel (digit ke-16 hilang)",
        "No KK was stored as a number by Excel (16th digit lost)",
    ),
    "kk_invalid": Message("No KK harus 16 digit angka", "No KK must be 16 digits"),
    "kk_region_unknown": Message("Kode wilayah No KK {prefix} tidak dikenal", "No KK region code {prefix} is unknown"),
    "birthdate_invalid": Message("Tanggal lahir tidak dapat dibaca", "Birth date cannot be read"),
    "desil_invalid": Message("Desil harus berupa bilangan bulat", "Desil must be a whole number"),
    "desil_out_of_range": Message(
        "Desil {value} di luar rentang skala {scale} ({low}-{high})",
        "Desil {value} is outside the {scale} scale ({low}-{high})",
    ),
    "kelurahan_unknown": Message(
        "Kode kelurahan {value} tidak ada di master wilayah", "Kelurahan code {value} is not in the region master"
    ),
    "family_no_head": Message("Keluarga {family} tidak memiliki kepala keluarga", "Family {family} has no head"),
    "family_many_heads": Message(
        "Keluarga {family} memiliki lebih dari satu kepala keluarga", "Family {family} has more than one head"
    ),
    "family_head_rejected": Message(
        "Kepala keluarga baris {row} ditolak; keluarga ini tidak diimpor",
        "The family head on row {row} was rejected; this family is not imported",
    ),
    "column_numeric": Message(
        "kolom {column} seluruhnya tersimpan sebagai angka — buka file asli, format kolom sebagai Teks, lalu ekspor ulang (baris {rows})",
        "the whole {column} column was stored as numbers — open the original file, format the column as Text, then export again (rows {rows})",
    ),
    "member_family_missing": Message(
        "Keluarga dengan No KK {family} tidak ada di berkas ini maupun di registri",
        "No family with No KK {family} in this file or in the registry",
    ),
}

WARNINGS: dict[str, Message] = {
    "value_out_of_domain": Message(
        "Nilai '{value}' tidak dikenal untuk {column}; disimpan apa adanya",
        "Value '{value}' is not known for {column}; kept as given",
    ),
    "nik_birthdate_mismatch": Message(
        "Tanggal lahir berbeda dengan tanggal dalam NIK", "Birth date differs from the date inside the NIK"
    ),
    "coordinate_invalid": Message("Koordinat tidak dapat dibaca; dikosongkan", "Coordinate cannot be read; left empty"),
    "encoding_cp1252": Message(
        "Berkas bukan UTF-8; dibaca sebagai Windows-1252 — periksa huruf beraksen atau simpan ulang sebagai CSV UTF-8",
        "The file is not UTF-8; it was read as Windows-1252 — check accented letters or save it again as CSV UTF-8",
    ),
}

FATAL: dict[str, Message] = {
    "file_unreadable": Message("Berkas tidak dapat dibaca: {detail}", "The file cannot be read: {detail}"),
    "file_type": Message(
        "Jenis berkas tidak didukung ({detail}); unggah .xlsx, .xls, .ods atau .csv",
        "Unsupported file type ({detail}); upload .xlsx, .xls, .ods or .csv",
    ),
    "file_empty": Message("Berkas tidak berisi baris data", "The file has no data rows"),
    "header_not_found": Message(
        "Baris judul kolom tidak ditemukan di 40 baris pertama", "No header row found in the first 40 rows"
    ),
    "columns_missing": Message(
        "Kolom wajib tidak ada: {missing}. Judul kolom terdekat di berkas: {nearest}",
        "Required columns missing: {missing}. Nearest headers in the file: {nearest}",
    ),
    "format_unknown": Message("Format {detail} tidak dikenal", "Unknown format {detail}"),
    "interrupted": Message(
        "Impor terputus karena server dihentikan; unggah ulang berkas",
        "The import was interrupted by a server stop; upload the file again",
    ),
    # limits checked before any cell is read (tepat/registry/importer/limits.py, docs/operations.md)
    "too_many_columns": Message(
        "Berkas memiliki {count} kolom; batasnya {limit} (TEPAT_IMPORT_MAX_COLUMNS)",
        "The file has {count} columns; the limit is {limit} (TEPAT_IMPORT_MAX_COLUMNS)",
    ),
    "too_many_rows": Message(
        "Berkas memiliki {count} baris; batasnya {limit} (TEPAT_IMPORT_MAX_ROWS)",
        "The file has {count} rows; the limit is {limit} (TEPAT_IMPORT_MAX_ROWS)",
    ),
    "unzipped_too_large": Message(
        "Isi berkas terkompresi membesar menjadi {size}; batasnya {limit} ({ratio}x ukuran berkas, TEPAT_IMPORT_MAX_UNZIP_RATIO)",
        "The compressed file unpacks to {size}; the limit is {limit} ({ratio}x the file size, TEPAT_IMPORT_MAX_UNZIP_RATIO)",
    ),
    "field_too_long": Message(
        "Baris {line} lebih panjang dari {limit} KB (ada sel yang terlalu besar; TEPAT_IMPORT_MAX_FIELD_KB)",
        "Line {line} is longer than {limit} KB (a cell is too large; TEPAT_IMPORT_MAX_FIELD_KB)",
    ),
    "job_died": Message(
        "Proses impor berhenti mendadak ({detail}); unggah ulang berkas atau hubungi admin",
        "The import process died ({detail}); upload the file again or ask the administrator",
    ),
}


# An import that would flag too many families missing keeps nothing (docs/import-report.md, `held`).
HELD: dict[str, Message] = {
    "missing_over_threshold": Message(
        "Berkas: {families} keluarga di {kelurahan} kelurahan; registri di sana: {registry} keluarga aktif; "
        "{missing} ({share}) akan ditandai tidak ada lagi, lebih dari ambang {threshold}. Apakah ini ekspor lengkap? "
        "Lanjutkan hanya jika ya (baris perintah: --allow-missing).",
        "File: {families} families in {kelurahan} kelurahan; registry there: {registry} active families; "
        "{missing} ({share}) would be marked missing, more than the {threshold} threshold. Is this a full export? "
        "Continue only if it is (command line: --allow-missing).",
    ),
}

# Why a revert is refused (do_revert_batch raises RevertRefused with one of these).
REVERT: dict[str, Message] = {
    "not_revertible": Message(
        "Impor {batch} tidak dapat dibatalkan: hanya impor yang selesai menulis dan belum dibatalkan",
        "Import {batch} cannot be reverted: only a finished, written import that is not reverted yet",
    ),
    "later_imports": Message(
        "Batalkan dulu impor yang lebih baru dari sumber yang sama: {batches}",
        "Revert the later imports of the same source first: {batches}",
    ),
    "later_changes": Message(
        "{count} perubahan setelah impor ini (verivali atau penonaktifan) menyentuh datanya; pembatalan akan menimpanya",
        "{count} later changes (verivali or deactivations) touch its records; a revert would overwrite them",
    ),
    "reason_required": Message("Alasan pembatalan wajib diisi", "A reason for the revert is required"),
}


class RevertRefused(Exception):
    """A revert that would not return the registry to the state before the import: nothing is written."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        super().__init__(REVERT[code].text(**values))


class ImportFatal(Exception):
    """A problem with the whole file: nothing is written."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(FATAL[code].text(**values))
