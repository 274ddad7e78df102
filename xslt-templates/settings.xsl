<?xml version="1.0" encoding="UTF-8"?>
<!--
  Page geometry and type for every certificate, in one place (DITA-OT "settings" layer).
  A4 portrait; all lengths here so a municipality's print settings change only this file.
-->
<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:variable name="page-width">210mm</xsl:variable>
  <xsl:variable name="page-height">297mm</xsl:variable>
  <xsl:variable name="margin-top">12mm</xsl:variable>
  <xsl:variable name="margin-bottom">10mm</xsl:variable>
  <xsl:variable name="margin-side">15mm</xsl:variable>
  <xsl:variable name="footer-extent">10mm</xsl:variable>

  <!-- the font chain comes from the data document, which the hub fills from config/fop.xconf -->
  <xsl:variable name="font-family" select="(/certificate/@font-family, 'IPAexMincho')[1]"/>
  <xsl:variable name="base-size">10pt</xsl:variable>
  <xsl:variable name="small-size">8pt</xsl:variable>
  <xsl:variable name="title-size">20pt</xsl:variable>

  <!-- the 公印: black, at most 25 mm square (STD §5) -->
  <xsl:variable name="seal-size">22mm</xsl:variable>
  <!-- the column the 公印 sits in, a little wider so it does not cover the mayor's name -->
  <xsl:variable name="seal-column">26mm</xsl:variable>

  <!-- persons on one sheet of a 世帯連記式 住民票 -->
  <xsl:variable name="persons-per-page" select="4"/>
</xsl:stylesheet>
